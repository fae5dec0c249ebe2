import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Append-only history of an object: who, when, why, what kind of change, and the full state after it. */
@Entity({ tableName: 'object_version' })
export class ObjectVersionEntity {
  @PrimaryKey({ type: 'uuid' }) objectId!: string;
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
