/**
 * The projection tables `object`, `doc` and `link` are LIST-partitioned by tenant (migration
 * `Migration20261128203000_analytics_tenant_partitions`): every tenant lives in the DEFAULT
 * partition unless it is given one of its own. A tenant of its own has its own, smaller indexes
 * (searches and expansions of other tenants never walk them) and can be bulk-loaded the way
 * PostgreSQL loads fastest — into a bare table, indexes built afterwards by sorting, then attached —
 * and dropped in one statement. Tables and indexes unqualified: `search_path` is the service schema.
 *
 * The index definitions below are the single source for the migration (parent and default
 * partition) and for any tenant partition (`tenantPartitionSql`).
 */
export type PartitionedTable = 'object' | 'doc' | 'link';

export interface ProjectionIndex {
  /** Name suffix: the parent's index is `<table>_<suffix>`, a partition's `<partition>_<suffix>`. */
  suffix: string;
  /** What follows `ON <table>`: method, key, INCLUDE, WHERE. */
  definition: string;
  /** GIN indexes of searched columns: bounded pending list (see Migration20261128181000_analytics_gin_pending_limit). */
  gin?: boolean;
}

/** Columns written by INSERT (generated columns excluded), in table order. */
export const PROJECTION_COLUMNS: Record<PartitionedTable, readonly string[]> = {
  object: ['tenant', 'id', 'type', 'version', 'level', 'compartments', 'deleted', 'entity_id', 'title', 'title_level', 'title_compartments', 'occurred_at'],
  doc: ['tenant', 'object_id', 'seq', 'type', 'level', 'compartments', 'deleted', 'fields', 'props', 'tsv', 'names', 'skel', 'at', 'lat', 'lon'],
  link: [
    'tenant', 'id', 'type', 'from_id', 'to_id', 'directed', 'version', 'level', 'compartments', 'deleted', 'valid_from', 'valid_to',
    'from_type', 'from_level', 'from_compartments', 'from_deleted', 'to_type', 'to_level', 'to_compartments', 'to_deleted', 'occurred_at',
  ],
};

export const PROJECTION_PRIMARY_KEYS: Record<PartitionedTable, string> = {
  object: '(tenant, id)',
  doc: '(tenant, object_id, seq)',
  link: '(tenant, id)',
};

/**
 * Every column a link expansion reads (`GraphRepository`): with them in the index, a hub's
 * neighbourhood is an index-only scan (no heap page per link) once the visibility map is set.
 */
export const LINK_EXPANSION_COLUMNS = 'id, type, directed, valid_from, valid_to, level, compartments, from_type, to_type, eff_level, eff_compartments, alive';

export const PROJECTION_INDEXES: Record<PartitionedTable, readonly ProjectionIndex[]> = {
  object: [],
  doc: [
    { suffix: 'tsv_idx', definition: 'USING gin (tsv)', gin: true },
    // No index on `names`: fuzzy search finds candidates through the name vocabulary and `skel`
    // (Migration20261129020000_analytics_drop_names_trigram_index).
    { suffix: 'skel_idx', definition: 'USING gin (skel)', gin: true },
    { suffix: 'at_idx', definition: '(tenant, at) WHERE at IS NOT NULL' },
    { suffix: 'geo_idx', definition: '(tenant, lat, lon) WHERE lat IS NOT NULL' },
    { suffix: 'type_idx', definition: '(tenant, type, object_id) WHERE seq = 0' },
  ],
  link: [
    { suffix: 'from_idx', definition: `(tenant, from_id) INCLUDE (to_id, ${LINK_EXPANSION_COLUMNS})` },
    { suffix: 'to_idx', definition: `(tenant, to_id) INCLUDE (from_id, ${LINK_EXPANSION_COLUMNS})` },
    { suffix: 'valid_idx', definition: '(tenant, (coalesce(valid_from, valid_to))) WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL' },
  ],
};

export const PARTITIONED_TABLES: readonly PartitionedTable[] = ['object', 'doc', 'link'];

const TENANT_PATTERN = /^[a-z][a-z0-9_-]{0,40}$/;

/** The partition of `table` that holds `tenant` alone (identifier-safe). */
export function tenantPartitionName(table: PartitionedTable, tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new RangeError(`Tenant "${tenant}" cannot name a partition: lowercase letters, digits, "-" and "_", starting with a letter, at most 41 characters`);
  }
  return `${table}_t_${tenant.replace(/-/g, '_')}`;
}

/** `CREATE INDEX` statements of `table`'s indexes on `target` (the parent, a partition). */
export function indexStatements(table: PartitionedTable, target: string, options: { ginWith?: string } = {}): string[] {
  return PROJECTION_INDEXES[table].map(
    (i) => `CREATE INDEX ${target}_${i.suffix} ON ${target} ${withOptions(i, options.ginWith)}`,
  );
}

function withOptions(i: ProjectionIndex, ginWith: string | undefined): string {
  if (!i.gin || !ginWith) return i.definition;
  return i.definition.replace(/\)$/, `) WITH (${ginWith})`);
}

/**
 * A tenant of its own, in three steps, each a list of statements:
 * `create` — bare tables shaped like the parents (defaults and generated columns included), to be
 * filled with plain INSERT/COPY; `index` — primary keys and indexes, built by sorting what is
 * there, then ANALYZE and VACUUM (visibility map, for index-only scans) — run VACUUM outside a
 * transaction; `attach` — a CHECK on the tenant (so ATTACH need not scan), then ATTACH, after which
 * the tenant's queries read it. `drop` detaches and drops. Rows of the tenant must not be in the
 * DEFAULT partition when attaching (PostgreSQL refuses).
 */
export function tenantPartitionSql(
  tenant: string,
  options: { unlogged?: boolean } = {},
): { create: string[]; index: string[]; vacuum: string[]; attach: string[]; drop: string[] } {
  const literal = `'${tenant}'`;
  const create: string[] = [];
  const index: string[] = [];
  const vacuum: string[] = [];
  const attach: string[] = [];
  const drop: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    const part = tenantPartitionName(table, tenant);
    create.push(`CREATE ${options.unlogged ? 'UNLOGGED ' : ''}TABLE ${part} (LIKE ${table} INCLUDING DEFAULTS INCLUDING GENERATED)`);
    index.push(`ALTER TABLE ${part} ADD CONSTRAINT ${part}_pkey PRIMARY KEY ${PROJECTION_PRIMARY_KEYS[table]}`);
    // A loaded tenant is read far more than written: no pending list (fastupdate off).
    index.push(...indexStatements(table, part, { ginWith: 'fastupdate = off' }));
    vacuum.push(`VACUUM (ANALYZE) ${part}`);
    attach.push(`ALTER TABLE ${part} ADD CONSTRAINT ${part}_tenant_check CHECK (tenant = ${literal})`);
    attach.push(`ALTER TABLE ${table} ATTACH PARTITION ${part} FOR VALUES IN (${literal})`);
    drop.push(`DROP TABLE IF EXISTS ${part}`);
  }
  return { create, index, vacuum, attach, drop };
}
