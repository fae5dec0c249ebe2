import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** One version of a tenant's ontology document. Every accepted type change appends a row; the highest version is active. */
@Entity({ tableName: 'ontology_document' })
export class OntologyDocumentEntity {
  @PrimaryKey({ type: 'text' }) tenant!: string;
  @PrimaryKey({ type: 'integer' }) version!: number;
  @Property({ type: 'json' }) document!: unknown;
  @Property({ type: 'json', nullable: true }) change?: unknown;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'json' }) createdBy!: unknown;
  @Property({ type: 'json', nullable: true }) purpose?: unknown;
}
