import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes on the columns that reference objects and are searched by object: review pairs (queue
 * lookups by record, and the foreign-key checks of any object removal), memberships and pending
 * resolution by object. Without them each check scans the whole table.
 */
export class Migration20261128170000_reference_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX IF NOT EXISTS review_item_left_idx ON review_item (left_id);`);
    this.addSql(`CREATE INDEX IF NOT EXISTS review_item_right_idx ON review_item (right_id);`);
    this.addSql(`CREATE INDEX IF NOT EXISTS entity_membership_object_all_idx ON entity_membership (object_id);`);
    this.addSql(`CREATE INDEX IF NOT EXISTS resolution_pending_object_idx ON resolution_pending (object_id);`);
    this.addSql(`CREATE INDEX IF NOT EXISTS merge_tenant_undone_idx ON merge (tenant) WHERE undone_at IS NOT NULL;`);
  }

  override async down(): Promise<void> {
    for (const index of ['merge_tenant_undone_idx', 'resolution_pending_object_idx', 'entity_membership_object_all_idx', 'review_item_right_idx', 'review_item_left_idx']) {
      this.addSql(`DROP INDEX IF EXISTS ${index};`);
    }
  }
}
