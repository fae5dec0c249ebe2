import { z } from '@vigie/shared-config';

/** Settings of the ingestion pipeline (merge into the service's config schema). */
export const ingestionFeatureConfigSchema = z.object({
  /** Object store bucket holding uploaded files (written by the gateway, read by jobs, kept for provenance). */
  INGESTION_BUCKET: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, "-" or "_"').default('ingest-uploads'),
  /** Batches published to INGEST and not yet acknowledged by JetStream, per job. */
  INGESTION_MAX_INFLIGHT_BATCHES: z.coerce.number().int().min(1).max(256).default(8),
  /**
   * Batches published but not yet written by the ontology, per replica, shared between its running
   * jobs: beyond its share a job's reader waits (back-pressure). Two writer pulls by default: the
   * writer never waits, and a job started beside a big one finds a short queue ahead of it.
   */
  INGESTION_MAX_UNPROCESSED_BATCHES: z.coerce.number().int().min(1).max(10_000).default(16),
  /** Objects + links per INGEST batch. */
  INGESTION_BATCH_MAX_ITEMS: z.coerce.number().int().min(1).max(5000).default(1000),
  /** Jobs one replica runs at a time. */
  INGESTION_CONCURRENT_JOBS: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * Jobs a replica runs beyond INGESTION_CONCURRENT_JOBS when those slots are taken, for small
   * files only (the small-job lane: a short upload starts at once beside big imports); 0: no lane.
   */
  INGESTION_SMALL_JOB_SLOTS: z.coerce.number().int().min(0).max(64).default(2),
  /** Largest file (bytes) that may run in the small-job lane (default 4 MiB: a few thousand rows). */
  INGESTION_SMALL_JOB_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 ** 3).default(4 * 1024 * 1024),
  /** A running job whose runner has not beaten for this long is taken over (crashed or killed replica). */
  INGESTION_LEASE_MS: z.coerce.number().int().min(2000).max(600_000).default(10_000),
  /** How often a replica looks for jobs to run. */
  INGESTION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** Rejected records kept in memory before they are committed even without a batch. */
  INGESTION_QUARANTINE_FLUSH: z.coerce.number().int().min(1).max(10_000).default(500),
});
export type IngestionFeatureConfig = z.infer<typeof ingestionFeatureConfigSchema>;
export const INGESTION_FEATURE_CONFIG = Symbol('INGESTION_FEATURE_CONFIG');
