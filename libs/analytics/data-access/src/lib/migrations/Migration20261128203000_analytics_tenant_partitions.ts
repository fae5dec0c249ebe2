import { Migration } from '@mikro-orm/migrations';
import { indexStatements, PARTITIONED_TABLES, PartitionedTable, PROJECTION_COLUMNS, PROJECTION_INDEXES, PROJECTION_PRIMARY_KEYS } from '../db/tenant-partitions';

const NAME_TOKEN_TRIGGER = `CREATE TRIGGER doc_name_tokens AFTER INSERT ON doc REFERENCING NEW TABLE AS new_docs FOR EACH STATEMENT EXECUTE FUNCTION name_token_collect();`;

/**
 * `object`, `doc` and `link` become LIST-partitioned by tenant, every tenant in a DEFAULT partition
 * (`<table>_default`) until it is given one of its own (`tenantPartitionSql`, used by the analytics
 * benchmark for its spec-size tenant). Rows are copied; indexes as in `PROJECTION_INDEXES` — the
 * link indexes now cover every column an expansion reads (index-only scans of hub neighbourhoods);
 * the default partition's GIN indexes keep the bounded pending list. The name-vocabulary trigger
 * moves to the partitioned `doc` (statement-level, transition table: rows routed to any partition).
 * Queries are unchanged: `tenant = $1` prunes to one partition (at execution for generic plans).
 */
export class Migration20261128203000_analytics_tenant_partitions extends Migration {
  override async up(): Promise<void> {
    for (const table of PARTITIONED_TABLES) {
      const cols = PROJECTION_COLUMNS[table].join(', ');
      this.addSql(`CREATE TABLE ${table}_p (LIKE ${table} INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY LIST (tenant);`);
      this.addSql(`CREATE TABLE ${table}_default PARTITION OF ${table}_p DEFAULT;`);
      this.addSql(`INSERT INTO ${table}_p (${cols}) SELECT ${cols} FROM ${table};`);
      this.addSql(`DROP TABLE ${table};`);
      this.addSql(`ALTER TABLE ${table}_p RENAME TO ${table};`);
      this.addSql(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY ${PROJECTION_PRIMARY_KEYS[table]};`);
      // The default partition's indexes first (with their storage options), then the parent's, which adopts them.
      for (const sql of indexStatements(table, `${table}_default`, { ginWith: 'gin_pending_list_limit = 256' })) this.addSql(`${sql};`);
      for (const i of PROJECTION_INDEXES[table]) this.addSql(`CREATE INDEX ${table}_${i.suffix} ON ${table} ${i.definition};`);
      this.addSql(`ANALYZE ${table};`);
    }
    this.addSql(NAME_TOKEN_TRIGGER);
  }

  override async down(): Promise<void> {
    // Back to plain tables with the first migration's indexes (tenant partitions' rows included).
    for (const table of PARTITIONED_TABLES) {
      const cols = PROJECTION_COLUMNS[table].join(', ');
      this.addSql(`CREATE TABLE ${table}_u (LIKE ${table} INCLUDING DEFAULTS INCLUDING GENERATED);`);
      this.addSql(`INSERT INTO ${table}_u (${cols}) SELECT ${cols} FROM ${table};`);
      this.addSql(`DROP TABLE ${table} CASCADE;`);
      this.addSql(`ALTER TABLE ${table}_u RENAME TO ${table};`);
      this.addSql(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY ${PROJECTION_PRIMARY_KEYS[table]};`);
      for (const sql of PLAIN_INDEXES[table]) this.addSql(sql);
    }
    this.addSql(NAME_TOKEN_TRIGGER);
  }
}

/** The indexes of Migration20261128160000_analytics_projections (+ the GIN bound), for `down`. */
const PLAIN_INDEXES: Record<PartitionedTable, string[]> = {
  object: [],
  doc: [
    `CREATE INDEX doc_tsv_idx ON doc USING gin (tsv) WITH (gin_pending_list_limit = 256);`,
    `CREATE INDEX doc_names_trgm_idx ON doc USING gin (names gin_trgm_ops) WITH (gin_pending_list_limit = 256);`,
    `CREATE INDEX doc_skel_idx ON doc USING gin (skel) WITH (gin_pending_list_limit = 256);`,
    `CREATE INDEX doc_at_idx ON doc (tenant, at) WHERE at IS NOT NULL;`,
    `CREATE INDEX doc_geo_idx ON doc (tenant, lat, lon) WHERE lat IS NOT NULL;`,
    `CREATE INDEX doc_type_idx ON doc (tenant, type, object_id) WHERE seq = 0;`,
  ],
  link: [
    `CREATE INDEX link_from_idx ON link (tenant, from_id) INCLUDE (to_id, type, eff_level, alive);`,
    `CREATE INDEX link_to_idx ON link (tenant, to_id) INCLUDE (from_id, type, eff_level, alive);`,
    `CREATE INDEX link_valid_idx ON link (tenant, (coalesce(valid_from, valid_to))) WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL;`,
  ],
};
