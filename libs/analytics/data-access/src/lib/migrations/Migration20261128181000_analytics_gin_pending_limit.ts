import { Migration } from '@mikro-orm/migrations';

/**
 * Bounds the GIN "pending lists" of the search indexes. With `fastupdate`, new entries are appended
 * to an unsorted pending list that EVERY search scans in full until it is merged (default limit
 * 4 MB per index, shared by all tenants): under a steady projector load searches paid for other
 * tenants' recent writes. 256 kB keeps writes batched (a merge every few hundred documents) and
 * the scan short. The lists present now are merged.
 */
export class Migration20261128181000_analytics_gin_pending_limit extends Migration {
  private static readonly INDEXES = ['doc_tsv_idx', 'doc_names_trgm_idx', 'doc_skel_idx', 'name_token_trgm_idx'];

  override async up(): Promise<void> {
    for (const index of Migration20261128181000_analytics_gin_pending_limit.INDEXES) {
      this.addSql(`ALTER INDEX ${index} SET (gin_pending_list_limit = 256);`);
      this.addSql(`SELECT gin_clean_pending_list('${index}'::regclass);`);
    }
  }

  override async down(): Promise<void> {
    for (const index of Migration20261128181000_analytics_gin_pending_limit.INDEXES) this.addSql(`ALTER INDEX ${index} RESET (gin_pending_list_limit);`);
  }
}
