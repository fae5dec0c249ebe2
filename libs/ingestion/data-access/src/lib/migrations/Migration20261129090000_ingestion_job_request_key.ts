import { Migration } from '@mikro-orm/migrations';

/**
 * The key a job was created under (an upload session's id), unique per tenant: a repeated create
 * with the same key finds the first job instead of inserting a second (a retried or taken-over
 * `complete` of a resumable upload).
 */
export class Migration20261129090000_ingestion_job_request_key extends Migration {
  override async up(): Promise<void> {
    this.addSql('ALTER TABLE job ADD COLUMN request_key text;');
    this.addSql('CREATE UNIQUE INDEX job_request_key_uq ON job (tenant, request_key) WHERE request_key IS NOT NULL;');
  }

  override async down(): Promise<void> {
    this.addSql('DROP INDEX IF EXISTS job_request_key_uq;');
    this.addSql('ALTER TABLE job DROP COLUMN IF EXISTS request_key;');
  }
}
