import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * An object of the ontology: tenant, type, markings (level rank + compartments, the shape the
 * policy SQL filter reads), properties (`name → { value, marking, provenance }`), provenance,
 * version, soft delete, the entity it was resolved into. Written with set-based SQL by the
 * repositories (see `ObjectRepository`, `IngestWriter`); this class describes the table.
 */
@Entity({ tableName: 'object' })
@Unique({ name: 'object_source_key_uq', properties: ['tenant', 'source', 'sourceKey'] })
@Index({ name: 'object_tenant_type_idx', properties: ['tenant', 'type', 'updatedAt', 'id'] })
export class ObjectEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) type!: string;
  @Property({ type: 'text' }) source!: string;
  @Property({ type: 'text', nullable: true }) sourceKey?: string;
  @Property({ type: 'integer' }) version!: number;
  @Property({ type: 'smallint' }) levelRank!: number;
  @Property({ type: 'text[]', columnType: 'text[]' }) compartments!: string[];
  @Property({ type: 'json' }) properties!: unknown;
  @Property({ type: 'json' }) provenance!: unknown;
  @Property({ type: 'text' }) contentHash!: string;
  @Property({ type: 'uuid', nullable: true }) entityId?: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) updatedAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) deletedAt?: Date;
}
