import { Marking } from '@vigie/ontology-contracts';
import { Sql } from './ingestion-database';

/** What a stored mapping compiles to, kept beside its text. */
export interface MappingSummary {
  markings: Marking;
  objects: { alias: string; type: string; optional: boolean }[];
  links: { type: string; from: string; to: string }[];
  fields: string[];
}

export interface MappingRecord {
  id: string;
  tenant: string;
  name: string;
  description: string | null;
  text: string;
  sha256: string;
  summary: MappingSummary;
  createdBy: string;
  createdByName: string | null;
  createdAt: string;
}

export type NewMapping = Omit<MappingRecord, 'createdAt' | 'createdByName'> & { createdByName?: string };

interface MappingRow {
  id: string;
  tenant: string;
  name: string;
  description: string | null;
  text: string;
  sha256: string;
  summary: MappingSummary;
  created_by: string;
  created_by_name: string | null;
  created_at: Date | string;
}

const COLUMNS = 'id, tenant, name, description, text, sha256, summary, created_by, created_by_name, created_at';

function toRecord(row: MappingRow): MappingRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    description: row.description,
    text: row.text,
    sha256: row.sha256,
    summary: row.summary,
    createdBy: row.created_by,
    createdByName: row.created_by_name,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** The SQL of stored mappings; every read is scoped to one tenant. */
export class MappingRepository {
  /** Inserts a mapping; `undefined` when the tenant already has one of that name. */
  async insert(sql: Sql, m: NewMapping): Promise<MappingRecord | undefined> {
    const rows = await sql.query<MappingRow>(
      `INSERT INTO mapping (id, tenant, name, description, text, sha256, summary, created_by, created_by_name)
       VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
       ON CONFLICT ON CONSTRAINT mapping_tenant_name_key DO NOTHING
       RETURNING ${COLUMNS}`,
      [m.id, m.tenant, m.name, m.description, m.text, m.sha256, JSON.stringify(m.summary), m.createdBy, m.createdByName ?? null],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async get(sql: Sql, tenant: string, id: string): Promise<MappingRecord | undefined> {
    const rows = await sql.query<MappingRow>(`SELECT ${COLUMNS} FROM mapping WHERE tenant = ? AND id = ?`, [tenant, id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** By name, after `afterName` (keyset pagination), optionally only names starting with `prefix`. */
  async list(sql: Sql, tenant: string, opts: { prefix?: string; afterName?: string; limit: number }): Promise<MappingRecord[]> {
    const where = ['tenant = ?'];
    const params: unknown[] = [tenant];
    if (opts.prefix !== undefined) {
      where.push(`starts_with(name, ?)`);
      params.push(opts.prefix);
    }
    if (opts.afterName !== undefined) {
      where.push('name > ?');
      params.push(opts.afterName);
    }
    params.push(opts.limit);
    const rows = await sql.query<MappingRow>(`SELECT ${COLUMNS} FROM mapping WHERE ${where.join(' AND ')} ORDER BY name COLLATE "C" LIMIT ?`, params);
    return rows.map(toRecord);
  }
}
