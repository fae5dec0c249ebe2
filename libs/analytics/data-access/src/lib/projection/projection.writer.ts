import type { LinkView, ObjectView, OntologyDocument } from '@vigie/ontology-contracts';
import { Queryable } from '../db/analytics-db';
import { projectObject, storedMarking, TypeHints, typeHints } from './object-docs';

export type ApplyOutcome = 'applied' | 'stale';

/**
 * The search vector of a document from its title and body ALREADY passed through
 * `unaccent(coalesce(…, ''))`: title (weight A) and body in French, English and simple configurations.
 * The writer computes each unaccented text once per document and feeds it to the three configurations.
 */
export const TSV_OF_UNACCENTED_SQL = (title: string, body: string) => `(
  setweight(to_tsvector('french', ${title}), 'A') || setweight(to_tsvector('english', ${title}), 'A') ||
  setweight(to_tsvector('simple', ${title}), 'A') ||
  to_tsvector('french', ${body}) || to_tsvector('english', ${body}) || to_tsvector('simple', ${body}))`;

/** The search vector of a document: title (weight A) and body in French, English and simple configurations, accents removed. */
export const TSV_SQL = (title: string, body: string) => TSV_OF_UNACCENTED_SQL(`unaccent(coalesce(${title}, ''))`, `unaccent(coalesce(${body}, ''))`);

/**
 * Applies ONTOLOGY events to the projections. Idempotent: a change is applied only when its
 * version is above the stored one, so a redelivered or reordered event changes nothing.
 * Each call runs inside the caller's transaction.
 */
export class ProjectionWriter {
  /** Each tenant's ontology document (or its absence), reread after a while: another replica may have applied a change. */
  private readonly ontologies = new Map<string, { document: OntologyDocument | undefined; at: number }>();

  private readonly hints = new WeakMap<OntologyDocument, Map<string, TypeHints>>();

  constructor(private readonly ontologyTtlMs = 30_000) {}

  async applyTypes(tx: Queryable, tenant: string, document: OntologyDocument): Promise<ApplyOutcome> {
    const res = await tx.query(
      `INSERT INTO tenant_ontology (tenant, version, document) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (tenant) DO UPDATE SET version = EXCLUDED.version, document = EXCLUDED.document, updated_at = now()
       WHERE tenant_ontology.version < EXCLUDED.version`,
      [tenant, document.version, JSON.stringify(document)],
    );
    if (res.rowCount) this.ontologies.set(tenant, { document, at: Date.now() });
    return res.rowCount ? 'applied' : 'stale';
  }

  private async ontologyOf(tx: Queryable, tenant: string): Promise<OntologyDocument | undefined> {
    const cached = this.ontologies.get(tenant);
    if (cached && Date.now() - cached.at < this.ontologyTtlMs) return cached.document;
    const res = await tx.query<{ document: OntologyDocument }>(`SELECT document FROM tenant_ontology WHERE tenant = $1`, [tenant]);
    const document = res.rows[0]?.document;
    this.ontologies.set(tenant, { document, at: Date.now() });
    return document;
  }

  /** What a tenant's ontology says about a type, worked out once per ontology document and type. */
  private hintsOf(document: OntologyDocument | undefined, type: string): TypeHints {
    if (!document) return typeHints(undefined, type);
    let byType = this.hints.get(document);
    if (!byType) this.hints.set(document, (byType = new Map()));
    let hints = byType.get(type);
    if (!hints) byType.set(type, (hints = typeHints(document, type)));
    return hints;
  }

  async applyObject(tx: Queryable, tenant: string, object: ObjectView, occurredAt: string): Promise<ApplyOutcome> {
    return (await this.applyObjects(tx, [{ tenant, object, occurredAt }]))[0];
  }

  async applyLink(tx: Queryable, tenant: string, link: LinkView, occurredAt: string): Promise<ApplyOutcome> {
    return (await this.applyLinks(tx, [{ tenant, link, occurredAt }]))[0];
  }

  /**
   * Applies object states set-based (a handful of statements per batch, whatever its size): the
   * objects newer than stored replace their row and their search documents, and their state is
   * copied into the links that touch them.
   */
  async applyObjects(tx: Queryable, items: { tenant: string; object: ObjectView; occurredAt: string }[]): Promise<ApplyOutcome[]> {
    if (!items.length) return [];
    const latest = latestBy(items, (i) => `${i.tenant}/${i.object.id}`, (i) => i.object.version);
    const rows = [];
    const docs = [];
    for (const { tenant, object, occurredAt } of latest) {
      const p = projectObject(object, this.hintsOf(await this.ontologyOf(tx, tenant), object.type));
      rows.push({
        tenant,
        id: object.id,
        type: object.type,
        version: object.version,
        level: p.marking.level,
        compartments: p.marking.compartments,
        deleted: p.deleted,
        entity_id: object.entityId,
        title: p.title,
        title_level: p.titleMarking.level,
        title_compartments: p.titleMarking.compartments,
        occurred_at: occurredAt,
      });
      for (const d of p.docs) {
        docs.push({
          tenant,
          object_id: object.id,
          seq: d.seq,
          type: object.type,
          level: d.marking.level,
          compartments: d.marking.compartments,
          deleted: p.deleted,
          fields: d.fields,
          props: d.props,
          title: d.titleText,
          body: d.bodyText,
          names: d.names,
          skel: d.skeletons,
          at: d.at,
          lat: d.lat,
          lon: d.lon,
        });
      }
    }
    const applied = await tx.query<{ tenant: string; id: string }>(
      `INSERT INTO object (tenant, id, type, version, level, compartments, deleted, entity_id, title, title_level, title_compartments, occurred_at)
       SELECT r.tenant, r.id, r.type, r.version, r.level, r.compartments, r.deleted, r.entity_id, r.title, r.title_level, r.title_compartments, r.occurred_at
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, id uuid, type text, version int, level smallint, compartments text[], deleted boolean,
            entity_id uuid, title text, title_level smallint, title_compartments text[], occurred_at timestamptz)
       ON CONFLICT (tenant, id) DO UPDATE SET type = EXCLUDED.type, version = EXCLUDED.version, level = EXCLUDED.level,
         compartments = EXCLUDED.compartments, deleted = EXCLUDED.deleted, entity_id = EXCLUDED.entity_id, title = EXCLUDED.title,
         title_level = EXCLUDED.title_level, title_compartments = EXCLUDED.title_compartments, occurred_at = EXCLUDED.occurred_at
       WHERE object.version < EXCLUDED.version
       RETURNING tenant, id`,
      [JSON.stringify(rows)],
    );
    const done = new Set(applied.rows.map((r) => `${r.tenant}/${r.id}`));
    if (done.size) {
      const appliedRows = done.size === rows.length ? rows : rows.filter((r) => done.has(`${r.tenant}/${r.id}`));
      // Documents exist only beside an object row written with them, and a version 1 is applied only
      // when no row was stored (versions start at 1): only objects applied at a later version can
      // have documents to replace. An ingest page creates objects, so it usually deletes nothing.
      const replaced = appliedRows.filter((r) => r.version > 1).map((r) => ({ tenant: r.tenant, id: r.id }));
      if (replaced.length) {
        await tx.query(
          `DELETE FROM doc d USING jsonb_to_recordset($1::jsonb) AS k(tenant text, id uuid) WHERE d.tenant = k.tenant AND d.object_id = k.id`,
          [JSON.stringify(replaced)],
        );
      }
      // Each text is unaccented once and fed to the three configurations (OFFSET 0 keeps the
      // planner from pulling the subquery up, which would copy the expression into each use).
      await tx.query(
        `INSERT INTO doc (tenant, object_id, seq, type, level, compartments, deleted, fields, props, tsv, names, skel, at, lat, lon)
         SELECT d.tenant, d.object_id, d.seq, d.type, d.level, d.compartments, d.deleted, d.fields, d.props, ${TSV_OF_UNACCENTED_SQL('d.title_u', 'd.body_u')},
                d.names, to_tsvector('simple', d.skel), d.at, d.lat, d.lon
         FROM (SELECT r.*, unaccent(coalesce(r.title, '')) AS title_u, unaccent(coalesce(r.body, '')) AS body_u
               FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, object_id uuid, seq smallint, type text, level smallint, compartments text[],
                    deleted boolean, fields jsonb, props jsonb, title text, body text, names text, skel text, at timestamptz, lat double precision, lon double precision)
               OFFSET 0) AS d`,
        [JSON.stringify(done.size === rows.length ? docs : docs.filter((d) => done.has(`${d.tenant}/${d.object_id}`)))],
      );
      // Links keep a copy of their ends' state, so that one filter hides a link to a hidden or deleted object.
      // Only links whose copy differs are rewritten: an object changed in its properties or its entity
      // (a merge) leaves its links' rows — and their four indexes — alone.
      const ends = JSON.stringify(appliedRows.map((r) => ({ tenant: r.tenant, id: r.id, type: r.type, level: r.level, compartments: r.compartments, deleted: r.deleted })));
      const endsSql = `jsonb_to_recordset($1::jsonb) AS e(tenant text, id uuid, type text, level smallint, compartments text[], deleted boolean)`;
      await tx.query(
        `UPDATE link l SET from_type = e.type, from_level = e.level, from_compartments = e.compartments, from_deleted = e.deleted
         FROM ${endsSql} WHERE l.tenant = e.tenant AND l.from_id = e.id
           AND (l.from_type, l.from_level, l.from_compartments, l.from_deleted) IS DISTINCT FROM (e.type, e.level, e.compartments, e.deleted)`,
        [ends],
      );
      await tx.query(
        `UPDATE link l SET to_type = e.type, to_level = e.level, to_compartments = e.compartments, to_deleted = e.deleted
         FROM ${endsSql} WHERE l.tenant = e.tenant AND l.to_id = e.id
           AND (l.to_type, l.to_level, l.to_compartments, l.to_deleted) IS DISTINCT FROM (e.type, e.level, e.compartments, e.deleted)`,
        [ends],
      );
    }
    const kept = new Set(latest);
    return items.map((i) => (done.has(`${i.tenant}/${i.object.id}`) && kept.has(i) ? 'applied' : 'stale'));
  }

  /** Applies link states set-based; each takes the current state of its ends from the object rows. */
  async applyLinks(tx: Queryable, items: { tenant: string; link: LinkView; occurredAt: string }[]): Promise<ApplyOutcome[]> {
    if (!items.length) return [];
    const latest = latestBy(items, (i) => `${i.tenant}/${i.link.id}`, (i) => i.link.version);
    const rows = latest.map(({ tenant, link, occurredAt }) => {
      const m = storedMarking(link.markings);
      return {
        tenant,
        id: link.id,
        type: link.type,
        from_id: link.fromId,
        to_id: link.toId,
        directed: link.directed,
        version: link.version,
        level: m.level,
        compartments: m.compartments,
        deleted: link.deletedAt !== null,
        valid_from: link.validFrom,
        valid_to: link.validTo,
        occurred_at: occurredAt,
      };
    });
    const applied = await tx.query<{ tenant: string; id: string }>(
      `INSERT INTO link (tenant, id, type, from_id, to_id, directed, version, level, compartments, deleted, valid_from, valid_to,
                         from_type, from_level, from_compartments, from_deleted, to_type, to_level, to_compartments, to_deleted, occurred_at)
       SELECT r.tenant, r.id, r.type, r.from_id, r.to_id, r.directed, r.version, r.level, r.compartments, r.deleted, r.valid_from, r.valid_to,
              coalesce(f.type, ''), coalesce(f.level, 99), coalesce(f.compartments, '{}'), coalesce(f.deleted, true),
              coalesce(t.type, ''), coalesce(t.level, 99), coalesce(t.compartments, '{}'), coalesce(t.deleted, true), r.occurred_at
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, id uuid, type text, from_id uuid, to_id uuid, directed boolean, version int,
            level smallint, compartments text[], deleted boolean, valid_from timestamptz, valid_to timestamptz, occurred_at timestamptz)
       LEFT JOIN object f ON f.tenant = r.tenant AND f.id = r.from_id
       LEFT JOIN object t ON t.tenant = r.tenant AND t.id = r.to_id
       ON CONFLICT (tenant, id) DO UPDATE SET type = EXCLUDED.type, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id,
         directed = EXCLUDED.directed, version = EXCLUDED.version, level = EXCLUDED.level, compartments = EXCLUDED.compartments,
         deleted = EXCLUDED.deleted, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
         from_type = EXCLUDED.from_type, from_level = EXCLUDED.from_level, from_compartments = EXCLUDED.from_compartments,
         from_deleted = EXCLUDED.from_deleted, to_type = EXCLUDED.to_type, to_level = EXCLUDED.to_level,
         to_compartments = EXCLUDED.to_compartments, to_deleted = EXCLUDED.to_deleted, occurred_at = EXCLUDED.occurred_at
       WHERE link.version < EXCLUDED.version
       RETURNING tenant, id`,
      [JSON.stringify(rows)],
    );
    const done = new Set(applied.rows.map((r) => `${r.tenant}/${r.id}`));
    const kept = new Set(latest);
    return items.map((i) => (done.has(`${i.tenant}/${i.link.id}`) && kept.has(i) ? 'applied' : 'stale'));
  }
}

/** The item with the highest version per key (a batch may carry several versions of one thing). */
function latestBy<T>(items: T[], key: (i: T) => string, version: (i: T) => number): T[] {
  const best = new Map<string, T>();
  for (const i of items) {
    const k = key(i);
    const cur = best.get(k);
    if (!cur || version(i) > version(cur)) best.set(k, i);
  }
  return [...best.values()];
}
