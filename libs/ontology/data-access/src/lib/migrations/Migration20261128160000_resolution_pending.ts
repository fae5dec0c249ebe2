import { Migration } from '@mikro-orm/migrations';

/**
 * Records waiting for entity resolution, written in the same transaction as the change that
 * needs it: resolution runs after commit and removes them, so a crash or a failed resolution is
 * retried by the redelivered batch even though the records themselves are unchanged by then.
 */
export class Migration20261128160000_resolution_pending extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
CREATE TABLE resolution_pending (
  tenant text NOT NULL,
  object_id uuid NOT NULL REFERENCES object (id),
  queued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, object_id)
);`);
  }

  override async down(): Promise<void> {
    this.addSql(`DROP TABLE IF EXISTS resolution_pending;`);
  }
}
