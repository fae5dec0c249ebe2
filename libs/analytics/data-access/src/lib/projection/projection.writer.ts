import type { LinkView, ObjectView, OntologyDocument } from '@vigie/ontology-contracts';
import { Queryable } from '../db/analytics-db';
import { projectObject, storedMarking, typeHints } from './object-docs';

export type ApplyOutcome = 'applied' | 'stale';

/** The search vector of a document: title (weight A) and body in French, English and simple configurations, accents removed. */
export const TSV_SQL = (title: string, body: string) => `(
  setweight(to_tsvector('french', unaccent(coalesce(${title}, ''))), 'A') || setweight(to_tsvector('english', unaccent(coalesce(${title}, ''))), 'A') ||
  setweight(to_tsvector('simple', unaccent(coalesce(${title}, ''))), 'A') ||
  to_tsvector('french', unaccent(coalesce(${body}, ''))) || to_tsvector('english', unaccent(coalesce(${body}, ''))) || to_tsvector('simple', unaccent(coalesce(${body}, ''))))`;

/**
 * Applies ONTOLOGY events to the projections. Idempotent: a change is applied only when its
 * version is above the stored one, so a redelivered or reordered event changes nothing.
 * Each call runs inside the caller's transaction.
 */
export class ProjectionWriter {
  private readonly ontologies = new Map<string, OntologyDocument>();

  async applyTypes(tx: Queryable, tenant: string, document: OntologyDocument): Promise<ApplyOutcome> {
    const res = await tx.query(
      `INSERT INTO tenant_ontology (tenant, version, document) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (tenant) DO UPDATE SET version = EXCLUDED.version, document = EXCLUDED.document, updated_at = now()
       WHERE tenant_ontology.version < EXCLUDED.version`,
      [tenant, document.version, JSON.stringify(document)],
    );
    if (res.rowCount) this.ontologies.set(tenant, document);
    return res.rowCount ? 'applied' : 'stale';
  }

  private async ontologyOf(tx: Queryable, tenant: string): Promise<OntologyDocument | undefined> {
    const cached = this.ontologies.get(tenant);
    if (cached) return cached;
    const res = await tx.query<{ document: OntologyDocument }>(`SELECT document FROM tenant_ontology WHERE tenant = $1`, [tenant]);
    const doc = res.rows[0]?.document;
    if (doc) this.ontologies.set(tenant, doc);
    return doc;
  }

  async applyObject(tx: Queryable, tenant: string, object: ObjectView, occurredAt: string): Promise<ApplyOutcome> {
    const p = projectObject(object, typeHints(await this.ontologyOf(tx, tenant), object.type));
    const upsert = await tx.query(
      `INSERT INTO object (tenant, id, type, version, level, compartments, deleted, entity_id, title, title_level, title_compartments, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10, $11::text[], $12)
       ON CONFLICT (tenant, id) DO UPDATE SET type = EXCLUDED.type, version = EXCLUDED.version, level = EXCLUDED.level,
         compartments = EXCLUDED.compartments, deleted = EXCLUDED.deleted, entity_id = EXCLUDED.entity_id, title = EXCLUDED.title,
         title_level = EXCLUDED.title_level, title_compartments = EXCLUDED.title_compartments, occurred_at = EXCLUDED.occurred_at
       WHERE object.version < EXCLUDED.version`,
      [tenant, object.id, object.type, object.version, p.marking.level, p.marking.compartments, p.deleted, object.entityId, p.title, p.titleMarking.level, p.titleMarking.compartments, occurredAt],
    );
    if (!upsert.rowCount) return 'stale';
    await tx.query(`DELETE FROM doc WHERE tenant = $1 AND object_id = $2`, [tenant, object.id]);
    const docs = p.docs.map((d) => ({
      seq: d.seq,
      level: d.marking.level,
      compartments: d.marking.compartments,
      fields: d.fields,
      props: d.props,
      title: d.titleText,
      body: d.bodyText,
      names: d.names,
      skel: d.skeletons,
      at: d.at,
      lat: d.lat,
      lon: d.lon,
    }));
    await tx.query(
      `INSERT INTO doc (tenant, object_id, seq, type, level, compartments, deleted, fields, props, tsv, names, skel, at, lat, lon)
       SELECT $1, $2, d.seq, $3, d.level, d.compartments, $4, d.fields, d.props, ${TSV_SQL('d.title', 'd.body')},
              d.names, to_tsvector('simple', d.skel), d.at, d.lat, d.lon
       FROM jsonb_to_recordset($5::jsonb) AS d(seq smallint, level smallint, compartments text[], fields jsonb, props jsonb, title text,
            body text, names text, skel text, at timestamptz, lat double precision, lon double precision)`,
      [tenant, object.id, object.type, p.deleted, JSON.stringify(docs)],
    );
    // Links keep a copy of their ends' state, so that one filter hides a link to a hidden or deleted object.
    const ends = [tenant, object.id, object.type, p.marking.level, p.marking.compartments, p.deleted];
    await tx.query(
      `UPDATE link SET from_type = $3, from_level = $4, from_compartments = $5::text[], from_deleted = $6 WHERE tenant = $1 AND from_id = $2`,
      ends,
    );
    await tx.query(`UPDATE link SET to_type = $3, to_level = $4, to_compartments = $5::text[], to_deleted = $6 WHERE tenant = $1 AND to_id = $2`, ends);
    return 'applied';
  }

  async applyLink(tx: Queryable, tenant: string, link: LinkView, occurredAt: string): Promise<ApplyOutcome> {
    const m = storedMarking(link.markings);
    const res = await tx.query(
      `INSERT INTO link (tenant, id, type, from_id, to_id, directed, version, level, compartments, deleted, valid_from, valid_to,
                         from_type, from_level, from_compartments, from_deleted, to_type, to_level, to_compartments, to_deleted, occurred_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11::timestamptz, $12::timestamptz,
              coalesce(f.type, ''), coalesce(f.level, 99), coalesce(f.compartments, '{}'), coalesce(f.deleted, true),
              coalesce(t.type, ''), coalesce(t.level, 99), coalesce(t.compartments, '{}'), coalesce(t.deleted, true), $13
       FROM (SELECT 1) one
       LEFT JOIN object f ON f.tenant = $1 AND f.id = $4
       LEFT JOIN object t ON t.tenant = $1 AND t.id = $5
       ON CONFLICT (tenant, id) DO UPDATE SET type = EXCLUDED.type, from_id = EXCLUDED.from_id, to_id = EXCLUDED.to_id,
         directed = EXCLUDED.directed, version = EXCLUDED.version, level = EXCLUDED.level, compartments = EXCLUDED.compartments,
         deleted = EXCLUDED.deleted, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
         from_type = EXCLUDED.from_type, from_level = EXCLUDED.from_level, from_compartments = EXCLUDED.from_compartments,
         from_deleted = EXCLUDED.from_deleted, to_type = EXCLUDED.to_type, to_level = EXCLUDED.to_level,
         to_compartments = EXCLUDED.to_compartments, to_deleted = EXCLUDED.to_deleted, occurred_at = EXCLUDED.occurred_at
       WHERE link.version < EXCLUDED.version`,
      [
        tenant,
        link.id,
        link.type,
        link.fromId,
        link.toId,
        link.directed,
        link.version,
        m.level,
        m.compartments,
        link.deletedAt !== null,
        link.validFrom,
        link.validTo,
        occurredAt,
      ],
    );
    return res.rowCount ? 'applied' : 'stale';
  }
}
