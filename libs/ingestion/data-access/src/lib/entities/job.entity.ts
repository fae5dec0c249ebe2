import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An ingestion job (table `job`). Declared for MikroORM's metadata; the hot path (checkpoints
 * after every acknowledged batch) goes through set-based SQL in `JobRepository`.
 */
@Entity({ tableName: 'job' })
export class JobEntity {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'text' }) tenant!: string;
  @Property({ type: 'text' }) source!: string;
  @Property({ type: 'text' }) fileName!: string;
  @Property({ type: 'text' }) objectName!: string;
  @Property({ type: 'bigint' }) objectSize!: string;
  @Property({ type: 'text' }) sha256!: string;
  @Property({ type: 'text' }) format!: string;
  @Property({ type: 'text' }) status!: string;
  @Property({ type: 'text', nullable: true }) mapping?: string;
  @Property({ type: 'uuid', nullable: true }) mappingId?: string;
  @Property({ type: 'text', nullable: true }) requestKey?: string;
  @Property({ type: 'text' }) level!: string;
  @Property({ type: 'text[]' }) compartments!: string[];
  @Property({ type: 'json' }) clearance!: unknown;
  @Property({ type: 'json' }) options!: unknown;
  @Property({ type: 'json' }) detected!: unknown;
  @Property({ type: 'bigint' }) readCount!: string;
  @Property({ type: 'bigint' }) validCount!: string;
  @Property({ type: 'bigint' }) parseQuarantined!: string;
  @Property({ type: 'bigint' }) ontologyQuarantined!: string;
  @Property({ type: 'bigint' }) writtenCount!: string;
  @Property({ type: 'bigint' }) mergedCount!: string;
  @Property({ type: 'json', nullable: true }) position?: unknown;
  @Property({ type: 'integer' }) nextSeq!: number;
  @Property({ type: 'boolean' }) readerDone!: boolean;
  @Property({ type: 'json', nullable: true }) error?: unknown;
  @Property({ type: 'text', nullable: true }) owner?: string;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) heartbeatAt?: Date;
  @Property({ type: 'text' }) createdBy!: string;
  @Property({ type: 'text', nullable: true }) createdByName?: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) createdAt!: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) startedAt?: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) finishedAt?: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) updatedAt!: Date;
}

/** One INGEST batch of a job (table `job_batch`): published, acknowledged, processed by the ontology. */
@Entity({ tableName: 'job_batch' })
export class JobBatchEntity {
  @PrimaryKey({ type: 'uuid' }) jobId!: string;
  @PrimaryKey({ type: 'integer' }) seq!: number;
  @Property({ type: 'bigint' }) firstIndex!: string;
  @Property({ type: 'integer' }) records!: number;
  @Property({ type: 'boolean' }) last!: boolean;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) ackedAt?: Date;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) processedAt?: Date;
  @Property({ type: 'integer', nullable: true }) merged?: number;
  @Property({ type: 'integer', nullable: true }) rejectedRecords?: number;
}

/** A record set aside (table `quarantined_record`): one row per record, with where and why. */
@Entity({ tableName: 'quarantined_record' })
export class QuarantinedRecordEntity {
  @PrimaryKey({ type: 'uuid' }) jobId!: string;
  @PrimaryKey({ type: 'bigint' }) recordIndex!: string;
  @Property({ type: 'bigint' }) line!: string;
  @Property({ type: 'bigint' }) byteOffset!: string;
  @Property({ type: 'text' }) stage!: string;
  @Property({ type: 'text' }) code!: string;
  @Property({ type: 'text' }) reason!: string;
  @Property({ type: 'text' }) raw!: string;
  @Property({ type: 'datetime', columnType: 'timestamptz' }) at!: Date;
}
