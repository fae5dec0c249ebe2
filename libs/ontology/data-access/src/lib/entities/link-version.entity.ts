import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Append-only history of a link. */
@Entity({ tableName: 'link_version' })
export class LinkVersionEntity {
  @PrimaryKey({ type: 'uuid' }) linkId!: string;
  @PrimaryKey({ type: 'integer' }) version!: number;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) change!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) at!: Date;
  @Property({ type: 'json' }) actor!: unknown;
  @Property({ type: 'json', nullable: true }) purpose?: unknown;
  @Property({ type: 'json' }) provenance!: unknown;
  @Property({ type: 'smallint' }) levelRank!: number;
  @Property({ type: 'text[]', columnType: 'text[]' }) compartments!: string[];
  @Property({ type: 'json' }) snapshot!: unknown;
  @Property({ type: 'text[]', columnType: 'text[]' }) changedProperties!: string[];
}
