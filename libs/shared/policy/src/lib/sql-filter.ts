import { ClassificationLevel, COMPARTMENT_PATTERN, levelRank, levelsUpTo } from './markings';
import { PolicySubject } from './can';

/** A SQL boolean expression with `?` placeholders and its parameters, in order (knex / MikroORM style). */
export interface SqlFragment {
  sql: string;
  params: (string | number)[];
}

/** Where a table keeps tenant and markings. Names may be qualified (`o.tenant`); they are quoted. */
export interface MarkingColumns {
  tenant: string;
  level: string;
  /** A `text[]` column; NULL is read as "no compartment". */
  compartments: string;
  /** `text` (default): the level is stored as 'NP' | 'DR' | 'S' | 'TS'; `rank`: as 0..3 (NP = 0). */
  levelEncoding?: 'text' | 'rank';
}

export class PolicyFilterError extends Error {}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes a possibly qualified identifier (`o.tenant` → `"o"."tenant"`); refuses anything else. */
export function quoteIdentifier(name: string): string {
  const parts = name.split('.');
  if (parts.length > 3 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new PolicyFilterError(`"${name}" is not a plain SQL column name (letters, digits, "_", optionally qualified with ".")`);
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/**
 * The need-to-know filter as a SQL predicate, to put INSIDE the query (so counts, hits, graph
 * neighbours and exports never see rows the actor may not see):
 *
 *   tenant = actor.tenant AND level ≤ actor.clearance AND compartments ⊆ actor.compartments
 *
 * Use with knex `qb.whereRaw(f.sql, f.params)`, MikroORM `qb.andWhere(f.sql, f.params)`, or raw
 * `pg` through {@link toPositional}. Every value is a bound parameter (one placeholder per array
 * element, because knex expands array bindings); column names are validated and quoted.
 */
export function markingsFilter(actor: Pick<PolicySubject, 'tenant' | 'clearance' | 'compartments'>, columns: MarkingColumns): SqlFragment {
  const tenant = quoteIdentifier(columns.tenant);
  const level = quoteIdentifier(columns.level);
  const compartments = quoteIdentifier(columns.compartments);
  if (!actor.tenant) throw new PolicyFilterError('The actor has no tenant: refusing to build an unscoped filter');
  const rank = levelRank(actor.clearance as ClassificationLevel);
  for (const c of actor.compartments) {
    if (!COMPARTMENT_PATTERN.test(c)) throw new PolicyFilterError(`Compartment "${c}" of the actor is not a valid compartment name`);
  }
  const params: (string | number)[] = [actor.tenant];
  const parts = [`${tenant} = ?`];
  if ((columns.levelEncoding ?? 'text') === 'rank') {
    parts.push(`${level} <= ?`);
    params.push(rank);
  } else {
    const levels = levelsUpTo(actor.clearance);
    parts.push(`${level} IN (${levels.map(() => '?').join(', ')})`);
    params.push(...levels);
  }
  const held = [...new Set(actor.compartments)].sort();
  if (held.length === 0) {
    parts.push(`cardinality(coalesce(${compartments}, '{}'::text[])) = 0`);
  } else {
    parts.push(`coalesce(${compartments}, '{}'::text[]) <@ ARRAY[${held.map(() => '?').join(', ')}]::text[]`);
    params.push(...held);
  }
  return { sql: `(${parts.join(' AND ')})`, params };
}

/** Rewrites `?` placeholders as `$n` for node-postgres, starting at `firstIndex` (to append to a query). */
export function toPositional(fragment: SqlFragment, firstIndex = 1): { text: string; values: (string | number)[] } {
  let i = firstIndex;
  const text = fragment.sql.replace(/\?/g, () => `$${i++}`);
  if (i - firstIndex !== fragment.params.length) {
    throw new PolicyFilterError(`Fragment has ${i - firstIndex} placeholders but ${fragment.params.length} parameters`);
  }
  return { text, values: [...fragment.params] };
}

/** Tenant scoping alone (for tables without markings): `tenant = ?`. */
export function tenantFilter(actor: Pick<PolicySubject, 'tenant'>, tenantColumn: string): SqlFragment {
  if (!actor.tenant) throw new PolicyFilterError('The actor has no tenant: refusing to build an unscoped filter');
  return { sql: `${quoteIdentifier(tenantColumn)} = ?`, params: [actor.tenant] };
}
