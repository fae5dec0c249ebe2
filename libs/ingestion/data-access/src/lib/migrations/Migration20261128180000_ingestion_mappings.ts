import { Migration } from '@mikro-orm/migrations';

/**
 * Stored mappings, per tenant, unique by name, never changed in place (a job names the exact
 * text it ran with through `job.mapping_id`). The compiled summary (`summary`: objects, links,
 * fields, markings) is kept beside the text so that lists need not recompile.
 */
export class Migration20261128180000_ingestion_mappings extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE TABLE mapping (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  name text NOT NULL,
  description text,
  text text NOT NULL,
  sha256 text NOT NULL,
  summary jsonb NOT NULL,
  created_by text NOT NULL,
  created_by_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT mapping_tenant_name_key UNIQUE (tenant, name)
);`);
  }

  override async down(): Promise<void> {
    this.addSql('DROP TABLE IF EXISTS mapping;');
  }
}
