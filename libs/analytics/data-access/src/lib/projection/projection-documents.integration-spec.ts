import type { Marking, ObjectView, OntologyDocument } from '@vigie/ontology-contracts';
import { AnalyticsDb } from '../db/analytics-db';
import { linkView, mark, NP, objectView, PropInput } from '../../test/fixtures';
import { dropTenant, freshTenant, testDb } from '../../test/test-db';
import { projectObject, typeHints } from './object-docs';
import { ProjectionWriter } from './projection.writer';

/**
 * Pins what the projector writes for a document against the formulas of the first projection
 * (migration `…_analytics_projections`, ADR 0011), spelled out here on purpose: whatever the
 * writer does to save work, every stored column — the search vector, the names, the skeleton
 * vector, fields, props, marking, time and place — must equal the reference computed from the
 * same object, for created and for updated objects.
 */
const REFERENCE_TSV = (title: string, body: string) => `(
  setweight(to_tsvector('french', unaccent(coalesce(${title}, ''))), 'A') || setweight(to_tsvector('english', unaccent(coalesce(${title}, ''))), 'A') ||
  setweight(to_tsvector('simple', unaccent(coalesce(${title}, ''))), 'A') ||
  to_tsvector('french', unaccent(coalesce(${body}, ''))) || to_tsvector('english', unaccent(coalesce(${body}, ''))) || to_tsvector('simple', unaccent(coalesce(${body}, ''))))`;

const ontology = {
  version: 1,
  objectTypes: [
    { name: 'Person', titleProperty: 'name', timeProperty: 'birthDate', geoProperty: 'location', resolution: { profile: 'person', nameProperties: ['name', 'alias'] } },
    { name: 'Document', titleProperty: 'title', timeProperty: 'date' },
  ],
  linkTypes: [],
} as unknown as OntologyDocument;

/** A small deterministic generator (no Math.random: a failure must replay). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = [
  'Hélène', 'Lefèvre', 'Jean-Pierre', "d'Arc", 'Dupont', 'Сергей', 'Иванов', 'محمد', 'علي', 'Müller', 'Straße', 'Ørsted', 'Œuvre', 'garçon',
  'transferts', 'bancaires', 'suspects', 'harbour', 'shipments', 'seized', 'running', 'the', 'les', 'été', 'signalés', 'parquet',
  'jean.dupont@example.org', 'https://example.org/a/b?c=d', '+33612345678', '06 12 34 56 78', '1970-03-04', '42', '3.14', 'A-38/2',
  'ÉCOLE', 'naïve', 'Ångström', 'København', '東京', 'İstanbul', 'façade', 'coöperate', '', '   ', '—', '«', '»', 'l’été',
];

function text(next: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]).join(next() < 0.2 ? ', ' : ' ');
}

function objects(count: number): ObjectView[] {
  const next = rng(20261129);
  const markings: Marking[] = [NP, mark('DR'), mark('S', 'op-saphir'), mark('NP', 'b', 'a')];
  const out: ObjectView[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    const m = () => markings[Math.floor(next() * markings.length)];
    const prop = (v: PropInput): PropInput => (next() < 0.25 ? { value: v as never, marking: m() } : v);
    if (kind === 0) {
      const name = text(next, 1 + Math.floor(next() * 3));
      out.push(objectView({ type: 'Person', title: name, markings: next() < 0.3 ? m() : NP, properties: { name: prop(name), alias: prop(text(next, 2)), birthDate: prop('1970-03-04'), location: prop({ lat: 48.85, lon: 2.35 }) } }));
    } else if (kind === 1) {
      const title = text(next, 3);
      // A body long enough for repeated lexemes (positions are capped per lexeme) and many tokens.
      const body = Array.from({ length: 1 + Math.floor(next() * 40) }, () => text(next, 12)).join('\n');
      out.push(objectView({ type: 'Document', title, properties: { title: prop(title), body: prop(body), date: '2025-06-01T10:00:00Z', tags: prop([text(next, 1), text(next, 1), 7]) } }));
    } else if (kind === 2) {
      // A type the ontology does not know: title, time and place found from the values.
      out.push(objectView({ type: 'Phone', title: '+33612345678', properties: { number: '+33612345678', seen: '2024-01-02', where: { lat: 1.5, lon: -2.25 } } }));
    } else {
      // A computed title without a matching property, and no title at all.
      out.push(objectView({ type: 'Vehicle', title: next() < 0.5 ? `Véhicule ${text(next, 2)}` : null, properties: { plate: prop(text(next, 1)), note: prop(text(next, 6)) } }));
    }
  }
  return out;
}

interface StoredDoc {
  object_id: string;
  seq: number;
  type: string;
  level: number;
  compartments: string[];
  deleted: boolean;
  fields: unknown;
  props: unknown;
  tsv: string;
  names: string;
  skel: string;
  at: string | null;
  lat: number | null;
  lon: number | null;
}

let db: AnalyticsDb;
const tenant = freshTenant('docs');

beforeAll(() => {
  db = testDb();
});

afterAll(async () => {
  await dropTenant(db, tenant);
  await db.close();
});

async function stored(): Promise<StoredDoc[]> {
  const res = await db.query<StoredDoc>(
    `SELECT object_id, seq, type, level, compartments, deleted, fields, props, tsv::text AS tsv, names, skel::text AS skel,
            to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS at, lat, lon
     FROM doc WHERE tenant = $1 ORDER BY object_id, seq`,
    [tenant],
  );
  return res.rows;
}

/** The documents of `objects` by the reference formulas (TypeScript projection + the first migration's SQL). */
async function expected(objs: ObjectView[]): Promise<StoredDoc[]> {
  const docs = objs.flatMap((o) =>
    projectObject(o, typeHints(ontology, o.type)).docs.map((d) => ({
      object_id: o.id,
      seq: d.seq,
      type: o.type,
      level: d.marking.level,
      compartments: d.marking.compartments,
      deleted: o.deletedAt !== null,
      fields: d.fields,
      props: d.props,
      title: d.titleText,
      body: d.bodyText,
      names: d.names,
      skel: d.skeletons,
      at: d.at,
      lat: d.lat,
      lon: d.lon,
    })),
  );
  const res = await db.query<StoredDoc>(
    `SELECT d.object_id, d.seq, d.type, d.level, d.compartments, d.deleted, d.fields, d.props, ${REFERENCE_TSV('d.title', 'd.body')}::text AS tsv,
            d.names, to_tsvector('simple', d.skel)::text AS skel, to_char(d.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS at, d.lat, d.lon
     FROM jsonb_to_recordset($1::jsonb) AS d(object_id uuid, seq smallint, type text, level smallint, compartments text[], deleted boolean,
          fields jsonb, props jsonb, title text, body text, names text, skel text, at timestamptz, lat double precision, lon double precision)
     ORDER BY d.object_id, d.seq`,
    [JSON.stringify(docs)],
  );
  return res.rows;
}

describe('search documents as written by the projector', () => {
  const v1 = objects(240);
  // Updates: new text, another marking, deletions, fewer documents (a property no longer marked apart).
  const v2 = v1.filter((_, i) => i % 3 === 0).map((o, i) => {
    const properties = Object.fromEntries(Object.entries(o.properties).map(([k, e]) => [k, { ...e, marking: NP }]));
    if (i % 2 === 0) properties['extra'] = { value: `ajouté ${i} Ærø café`, marking: mark('DR'), provenance: { source: 'test' } };
    return { ...o, version: 2, properties, markings: i % 5 === 0 ? mark('DR') : o.markings, deletedAt: i % 7 === 0 ? o.updatedAt : null };
  });
  const latest = v1.map((o) => v2.find((u) => u.id === o.id) ?? o);

  it('writes exactly the reference documents for created objects, then for updated ones', async () => {
    const writer = new ProjectionWriter();
    await db.transaction(async (tx) => {
      await writer.applyTypes(tx, tenant, ontology);
      await writer.applyObjects(tx, v1.map((object) => ({ tenant, object, occurredAt: object.updatedAt })));
    });
    const first = await stored();
    expect(first.length).toBeGreaterThan(v1.length);
    expect(first).toEqual(await expected(v1));
    // Some vectors carry every configuration and weight (a check that the comparison compares something).
    expect(first.some((d) => /'harbour':\d+A/.test(d.tsv) && /'helen':\d+/.test(d.tsv))).toBe(true);

    // The same objects again (a redelivery) and the updates in one batch: only newer versions count.
    await db.transaction(async (tx) => {
      const outcomes = await writer.applyObjects(tx, [...v1, ...v2].map((object) => ({ tenant, object, occurredAt: object.updatedAt })));
      expect(outcomes.filter((o) => o === 'applied')).toHaveLength(v2.length);
    });
    expect(await stored()).toEqual(await expected(latest));
  });

  it('keeps the copy of its ends in each link equal to their rows, rewriting only the links whose copy changed', async () => {
    const t = `${tenant}-links`;
    const writer = new ProjectionWriter();
    const [a, b, c] = [0, 1, 2].map((i) => objectView({ type: 'Person', title: `End ${i}`, properties: { name: `End ${i}` } }));
    // a–b known ends; c–a arrives before c (unknown end until c comes).
    const ab = linkView({ type: 'knows', fromId: a.id, toId: b.id });
    const ca = linkView({ type: 'knows', fromId: c.id, toId: a.id });
    const linkRows = async () =>
      (
        await db.query<{ id: string; xmin: string; from_type: string; from_level: number; from_compartments: string[]; from_deleted: boolean; to_type: string; to_level: number; to_compartments: string[]; to_deleted: boolean }>(
          `SELECT id, xmin::text AS xmin, from_type, from_level, from_compartments, from_deleted, to_type, to_level, to_compartments, to_deleted FROM link WHERE tenant = $1 ORDER BY id`,
          [t],
        )
      ).rows;
    const apply = (objs: ObjectView[], links = [] as typeof ab[]) =>
      db.transaction(async (tx) => {
        await writer.applyObjects(tx, objs.map((object) => ({ tenant: t, object, occurredAt: object.updatedAt })));
        await writer.applyLinks(tx, links.map((link) => ({ tenant: t, link, occurredAt: link.updatedAt })));
      });
    try {
      await apply([a, b], [ab, ca]);
      const unknown = (await linkRows()).find((l) => l.id === ca.id);
      expect(unknown).toMatchObject({ from_type: '', from_level: 99, from_deleted: true, to_type: 'Person', to_level: 0 });
      await apply([c]);
      const before = await linkRows();
      expect(before.find((l) => l.id === ca.id)).toMatchObject({ from_type: 'Person', from_level: 0, from_deleted: false });
      // A new version that changes neither type, marking nor deletion (another name, an entity): links untouched.
      await apply([{ ...a, version: 2, entityId: b.id, properties: { name: { ...a.properties['name'], value: 'End zero' } } }]);
      expect(await linkRows()).toEqual(before);
      // Re-marked, then deleted: both links follow.
      await apply([{ ...a, version: 3, markings: mark('S', 'op-x') }]);
      const remarked = await linkRows();
      expect(remarked.find((l) => l.id === ab.id)).toMatchObject({ from_level: 2, from_compartments: ['op-x'], from_deleted: false });
      expect(remarked.find((l) => l.id === ca.id)).toMatchObject({ to_level: 2, to_compartments: ['op-x'], to_deleted: false });
      await apply([{ ...a, version: 4, markings: mark('S', 'op-x'), deletedAt: a.updatedAt }]);
      const deleted = await linkRows();
      expect(deleted.find((l) => l.id === ab.id)).toMatchObject({ from_level: 2, from_deleted: true });
      expect(deleted.find((l) => l.id === ca.id)).toMatchObject({ to_level: 2, to_deleted: true });
    } finally {
      await dropTenant(db, t);
    }
  });
});
