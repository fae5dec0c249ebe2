import { Actor, historyActor, OntologyDocument, Purpose } from '@vigie/ontology-contracts';
import type { LinkTypeUsage, PropertyUsage, TypeUsage } from '@vigie/ontology-domain';
import { pgArray, Sql } from '../sql/ontology-database';

export interface StoredOntology {
  version: number;
  document: OntologyDocument;
  createdAt: Date;
}

interface UsageRow {
  name: string;
  count: number;
  multi: number;
  max_length: number | null;
  min: number | null;
  max: number | null;
  non_integer: number;
}

/** Property usage over a table's rows of one type (deleted rows included: their history must stay readable). */
const USAGE_SQL = (table: 'object' | 'link') => `
WITH vals AS (
  SELECT r.id, e.key AS name, e.value -> 'value' AS v FROM ${table} r, jsonb_each(r.properties) e WHERE r.tenant = ? AND r.type = ?
), flat AS (
  SELECT vals.id, vals.name, vals.v, x FROM vals, value_elements(vals.v) x
)
SELECT name,
       count(DISTINCT id)::int AS count,
       count(DISTINCT id) FILTER (WHERE jsonb_typeof(v) = 'array' AND jsonb_array_length(v) > 1)::int AS multi,
       max(length(x #>> '{}')) FILTER (WHERE jsonb_typeof(x) = 'string')::int AS max_length,
       min((x #>> '{}')::float8) FILTER (WHERE jsonb_typeof(x) = 'number') AS min,
       max((x #>> '{}')::float8) FILTER (WHERE jsonb_typeof(x) = 'number') AS max,
       count(*) FILTER (WHERE jsonb_typeof(x) = 'number' AND (x #>> '{}')::numeric % 1 <> 0)::int AS non_integer
FROM flat GROUP BY name`;

const ENUM_SQL = (table: 'object' | 'link') => `
SELECT e.key AS name, x #>> '{}' AS value, count(DISTINCT r.id)::int AS n
FROM ${table} r, jsonb_each(r.properties) e, value_elements(e.value -> 'value') x
WHERE r.tenant = ? AND r.type = ? AND e.key = ANY(?::text[]) GROUP BY 1, 2`;

/**
 * The versioned ontology document of each tenant: every accepted change is a new row, the highest
 * version is the active one (append-only, so every past version can be read back).
 */
export class OntologyDocumentRepository {
  async current(sql: Sql, tenant: string): Promise<StoredOntology | undefined> {
    const rows = await sql.query<{ version: number; document: OntologyDocument; created_at: Date }>(
      `SELECT version, document, created_at FROM ontology_document WHERE tenant = ? ORDER BY version DESC LIMIT 1`,
      [tenant],
    );
    return rows[0] ? { version: rows[0].version, document: rows[0].document, createdAt: rows[0].created_at } : undefined;
  }

  /** The active version number only (cheap: checks a cached document is still current). */
  async currentVersion(sql: Sql, tenant: string): Promise<number | undefined> {
    const rows = await sql.query<{ v: number | null }>(`SELECT max(version) AS v FROM ontology_document WHERE tenant = ?`, [tenant]);
    return rows[0]?.v ?? undefined;
  }

  /** Appends a version; false when that version already exists (a concurrent change won). */
  async append(sql: Sql, tenant: string, document: OntologyDocument, actor: Actor, purpose: Purpose | undefined, change: unknown): Promise<boolean> {
    const rows = await sql.query(
      `INSERT INTO ontology_document (tenant, version, document, change, created_by, purpose) VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb)
       ON CONFLICT (tenant, version) DO NOTHING RETURNING version`,
      [tenant, document.version, JSON.stringify(document), change === undefined ? null : JSON.stringify(change), JSON.stringify(historyActor(actor)), purpose ? JSON.stringify(purpose) : null],
    );
    return rows.length === 1;
  }

  /** Serialises type changes of one tenant (transaction-scoped advisory lock). */
  async lockTenant(sql: Sql, tenant: string): Promise<void> {
    await sql.query(`SELECT pg_advisory_xact_lock(hashtext('ontology-types:' || ?))`, [tenant]);
  }

  /** Tenants that hold any ontology document. */
  async tenants(sql: Sql): Promise<string[]> {
    const rows = await sql.query<{ tenant: string }>(`SELECT DISTINCT tenant FROM ontology_document ORDER BY tenant`);
    return rows.map((r) => r.tenant);
  }

  private async propertyUsage(sql: Sql, table: 'object' | 'link', tenant: string, type: string, enumProperties: string[]): Promise<Record<string, PropertyUsage>> {
    const rows = await sql.query<UsageRow>(USAGE_SQL(table), [tenant, type]);
    const out: Record<string, PropertyUsage> = {};
    for (const r of rows) {
      out[r.name] = {
        count: r.count,
        multiValued: r.multi,
        ...(r.max_length === null ? {} : { maxLength: r.max_length }),
        ...(r.min === null ? {} : { min: r.min }),
        ...(r.max === null ? {} : { max: r.max }),
        nonInteger: r.non_integer,
      };
    }
    if (enumProperties.length) {
      const enums = await sql.query<{ name: string; value: string; n: number }>(ENUM_SQL(table), [tenant, type, pgArray(enumProperties)]);
      for (const e of enums) {
        const usage = (out[e.name] ??= { count: 0 });
        (usage.enumValues ??= {})[e.value] = e.n;
      }
    }
    return out;
  }

  /** What the stored objects of a type hold, for `checkTypeChange`. */
  async objectTypeUsage(sql: Sql, tenant: string, type: string, enumProperties: string[]): Promise<TypeUsage> {
    const [{ n }] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM object WHERE tenant = ? AND type = ?`, [tenant, type]);
    return { objects: n, properties: n ? await this.propertyUsage(sql, 'object', tenant, type, enumProperties) : {} };
  }

  /** What the stored links of a type hold, for `checkLinkTypeChange`. */
  async linkTypeUsage(sql: Sql, tenant: string, type: string, enumProperties: string[]): Promise<LinkTypeUsage> {
    const [{ n, with_validity }] = await sql.query<{ n: number; with_validity: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL)::int AS with_validity FROM link WHERE tenant = ? AND type = ?`,
      [tenant, type],
    );
    if (!n) return { links: 0, properties: {}, endTypes: {}, withValidity: 0 };
    const ends = await sql.query<{ pair: string; n: number }>(
      `SELECT f.type || '->' || t.type AS pair, count(*)::int AS n FROM link l JOIN object f ON f.id = l.from_id JOIN object t ON t.id = l.to_id
       WHERE l.tenant = ? AND l.type = ? GROUP BY 1`,
      [tenant, type],
    );
    return {
      links: n,
      properties: await this.propertyUsage(sql, 'link', tenant, type, enumProperties),
      endTypes: Object.fromEntries(ends.map((e) => [e.pair, e.n])),
      withValidity: with_validity,
    };
  }
}
