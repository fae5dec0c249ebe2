import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A canonical entity: what several source records were resolved into. Records point at it (`object.entity_id`). */
@Entity({ tableName: 'entity' })
export class EntityEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) objectType!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
}

/**
 * One merge decision (automatic or by an analyst): never destructive. `moves` records, per member,
 * the entity it belonged to before, so that `unmerge` restores exactly the previous state.
 */
@Entity({ tableName: 'merge' })
export class MergeEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'uuid' }) entityId!: string;
  @Property({ type: 'uuid[]', columnType: 'uuid[]' }) memberIds!: string[];
  @Property({ type: 'double' }) score!: number;
  @Property({ type: 'json' }) reasons!: unknown;
  @Property({ type: 'text' }) decidedBy!: string;
  @Property({ type: 'json' }) actor!: unknown;
  @Property({ type: 'text', nullable: true }) comment?: string;
  @Property({ type: 'json' }) moves!: unknown;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) undoneAt?: Date;
  @Property({ type: 'text', nullable: true }) undoneBy?: string;
  @Property({ type: 'text', nullable: true }) undoComment?: string;
}

/** Membership link record → entity, with the score and reasons that put it there; closed (`removed_at`) by an unmerge. */
@Entity({ tableName: 'entity_membership' })
export class EntityMembershipEntity {
  @PrimaryKey({ type: 'bigint' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'uuid' }) entityId!: string;
  @Property({ type: 'uuid' }) objectId!: string;
  @Property({ type: 'uuid' }) mergeId!: string;
  @Property({ type: 'double' }) score!: number;
  @Property({ type: 'json' }) reasons!: unknown;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) addedAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) removedAt?: Date;
}

/** A pair in the middle band, waiting for an analyst's decision. */
@Entity({ tableName: 'review_item' })
export class ReviewItemEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) objectType!: string;
  @Property({ type: 'uuid' }) leftId!: string;
  @Property({ type: 'uuid' }) rightId!: string;
  @Property({ type: 'double' }) score!: number;
  @Property({ type: 'json' }) reasons!: unknown;
  @Property({ type: 'text' }) status!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) decidedAt?: Date;
  @Property({ type: 'text', nullable: true }) decidedBy?: string;
  @Property({ type: 'text', nullable: true }) comment?: string;
  @Property({ type: 'uuid', nullable: true }) mergeId?: string;
}

/** Deterministic resolution keys (`passport:P1234567`) of strong identifiers. */
@Entity({ tableName: 'identity_key' })
export class IdentityKeyEntity {
  @PrimaryKey({ type: 'text' }) tenant!: string;
  @PrimaryKey({ type: 'text' }) objectType!: string;
  @PrimaryKey({ type: 'text' }) key!: string;
  @PrimaryKey({ type: 'uuid' }) objectId!: string;
}

/** Blocking keys for fuzzy candidate generation (compare only records sharing a key). */
@Entity({ tableName: 'blocking_key' })
export class BlockingKeyEntity {
  @PrimaryKey({ type: 'text' }) tenant!: string;
  @PrimaryKey({ type: 'text' }) objectType!: string;
  @PrimaryKey({ type: 'text' }) key!: string;
  @PrimaryKey({ type: 'uuid' }) objectId!: string;
}

/** Events written in the same transaction as the change they describe, published after commit (transactional outbox). */
@Entity({ tableName: 'outbox' })
export class OutboxEntity {
  @PrimaryKey({ type: 'bigint' }) id!: string;
  @Property({ type: 'text' }) subject!: string;
  @Property({ type: 'text' }) msgId!: string;
  @Property({ type: 'json' }) payload!: unknown;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
}

/** A record waiting for entity resolution (queued with the change, removed by the resolution run). */
@Entity({ tableName: 'resolution_pending' })
export class ResolutionPendingEntity {
  @PrimaryKey({ type: 'text' }) tenant!: string;
  @PrimaryKey({ type: 'uuid' }) objectId!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) queuedAt!: Date;
}
