import { Migration } from '@mikro-orm/migrations';

/** The tables entity resolution derives from objects, and the foreign key each had to `object`. */
const DERIVED = ['blocking_key', 'identity_key', 'resolution_pending'] as const;

/**
 * Derived resolution rows without foreign keys (ADR 0017): `blocking_key`, `identity_key` and
 * `resolution_pending` are written only by entity resolution, from object rows written or read in
 * the same transaction, and objects are never removed (deletion is a `deleted_at`). Each inserted
 * row's check locked its object row (`FOR KEY SHARE`: a page write for a stored record) — about
 * ten checks per record resolved — for a reference that cannot be missing; a row that would be
 * is ignored by every reader (all join `object`).
 */
export class Migration20261129030000_derived_keys_without_fk extends Migration {
  override async up(): Promise<void> {
    for (const table of DERIVED) this.addSql(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_object_id_fkey;`);
  }

  override async down(): Promise<void> {
    for (const table of DERIVED) {
      this.addSql(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_object_id_fkey;`);
      this.addSql(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_object_id_fkey FOREIGN KEY (object_id) REFERENCES object (id);`);
    }
  }
}
