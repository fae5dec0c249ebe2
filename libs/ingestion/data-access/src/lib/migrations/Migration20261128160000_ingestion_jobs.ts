import { Migration } from '@mikro-orm/migrations';

/**
 * The ingestion service's tables, in its own schema (the pool sets `search_path`, so names are
 * unqualified). A job keeps its resume point (`position`, `next_seq`) and the runner's counts
 * (`read_count`, `valid_count`, `parse_quarantined`) updated in the same transaction after each
 * acknowledged batch; the ontology's per-batch outcome (`written_count`, `merged_count`,
 * `ontology_quarantined`) is added once per batch when its `batch.processed` event arrives.
 * Markings are stored as a level and a `text[]` of compartments so that the policy library's SQL
 * filter applies inside every read.
 */
export class Migration20261128160000_ingestion_jobs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE TABLE job (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  source text NOT NULL,
  file_name text NOT NULL,
  object_name text NOT NULL,
  object_size bigint NOT NULL,
  sha256 text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'json', 'ndjson', 'stix')),
  status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  mapping text,
  mapping_id uuid,
  level text NOT NULL CHECK (level IN ('NP', 'DR', 'S', 'TS')),
  compartments text[] NOT NULL DEFAULT '{}',
  clearance jsonb NOT NULL,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  detected jsonb NOT NULL DEFAULT '{}'::jsonb,
  read_count bigint NOT NULL DEFAULT 0,
  valid_count bigint NOT NULL DEFAULT 0,
  parse_quarantined bigint NOT NULL DEFAULT 0,
  ontology_quarantined bigint NOT NULL DEFAULT 0,
  written_count bigint NOT NULL DEFAULT 0,
  merged_count bigint NOT NULL DEFAULT 0,
  position jsonb,
  next_seq integer NOT NULL DEFAULT 0,
  reader_done boolean NOT NULL DEFAULT false,
  error jsonb,
  owner text,
  heartbeat_at timestamptz,
  created_by text NOT NULL,
  created_by_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);`);
    this.addSql(`CREATE INDEX job_tenant_created_idx ON job (tenant, created_at DESC, id DESC);`);
    this.addSql(`CREATE INDEX job_active_idx ON job (status, heartbeat_at) WHERE status IN ('pending', 'running');`);
    this.addSql(`
CREATE TABLE job_batch (
  job_id uuid NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  first_index bigint NOT NULL,
  records integer NOT NULL,
  last boolean NOT NULL,
  acked_at timestamptz,
  processed_at timestamptz,
  merged integer,
  rejected_records integer,
  PRIMARY KEY (job_id, seq)
);`);
    this.addSql(`CREATE INDEX job_batch_unprocessed_idx ON job_batch (job_id) WHERE processed_at IS NULL;`);
    this.addSql(`
CREATE TABLE quarantined_record (
  job_id uuid NOT NULL REFERENCES job (id) ON DELETE CASCADE,
  record_index bigint NOT NULL,
  line bigint NOT NULL,
  byte_offset bigint NOT NULL,
  stage text NOT NULL CHECK (stage IN ('parse', 'map', 'ontology')),
  code text NOT NULL,
  reason text NOT NULL,
  raw text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, record_index)
);`);
  }

  override async down(): Promise<void> {
    this.addSql('DROP TABLE IF EXISTS quarantined_record;');
    this.addSql('DROP TABLE IF EXISTS job_batch;');
    this.addSql('DROP TABLE IF EXISTS job;');
  }
}
