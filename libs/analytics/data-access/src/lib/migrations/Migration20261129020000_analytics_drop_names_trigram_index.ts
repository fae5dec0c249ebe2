import { Migration } from '@mikro-orm/migrations';

/**
 * Drops the trigram GIN index on `doc.names`, which no query uses since fuzzy search goes through
 * the name vocabulary (`name_token`, its own trigram index) and the skeleton index (`doc.skel`):
 * the names of a document are only scored by `word_similarity(query, names)` on candidates found
 * otherwise — a function call, which no index serves. The index cost the projector about a third
 * of the index work of every document written (a trigram entry per three letters of every name)
 * and answered nothing: results and plans are unchanged.
 *
 * The index list of the partitions (`PROJECTION_INDEXES`) no longer has it, so a fresh database
 * (whose partitioning migration builds from that list) never creates it on `doc`; an existing one
 * drops it here — on the parent, which drops the copies of the default and tenant partitions.
 */
export class Migration20261129020000_analytics_drop_names_trigram_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`DROP INDEX IF EXISTS doc_names_trgm_idx;`);
  }

  override async down(): Promise<void> {
    // The default partition's copy first (with its bounded pending list), then the parent's, which adopts it.
    this.addSql(`CREATE INDEX IF NOT EXISTS doc_default_names_trgm_idx ON doc_default USING gin (names gin_trgm_ops) WITH (gin_pending_list_limit = 256);`);
    this.addSql(`CREATE INDEX IF NOT EXISTS doc_names_trgm_idx ON doc USING gin (names gin_trgm_ops);`);
  }
}
