import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A link between two objects; visible only when its own markings and both ends are. */
@Entity({ tableName: 'link' })
@Unique({ name: 'link_source_key_uq', properties: ['tenant', 'source', 'sourceKey'] })
@Index({ name: 'link_tenant_type_idx', properties: ['tenant', 'type', 'updatedAt', 'id'] })
export class LinkEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) type!: string;
  @Property({ type: 'text' }) source!: string;
  @Property({ type: 'text', nullable: true }) sourceKey?: string;
  @Index({ name: 'link_from_idx' }) @Property({ type: 'uuid' }) fromId!: string;
  @Index({ name: 'link_to_idx' }) @Property({ type: 'uuid' }) toId!: string;
  @Property({ type: 'boolean' }) directed!: boolean;
  @Property({ type: 'integer' }) version!: number;
  @Property({ type: 'smallint' }) levelRank!: number;
  @Property({ type: 'text[]', columnType: 'text[]' }) compartments!: string[];
  @Property({ type: 'json' }) properties!: unknown;
  @Property({ type: 'json' }) provenance!: unknown;
  @Property({ type: 'text', nullable: true }) validFrom?: string;
  @Property({ type: 'text', nullable: true }) validTo?: string;
  @Property({ type: 'text' }) contentHash!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) updatedAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) deletedAt?: Date;
}
