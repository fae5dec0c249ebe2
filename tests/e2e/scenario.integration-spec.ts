import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { launcher } from '@vigie/shared-testing';
import {
  Actor,
  call,
  completeFirstLogin,
  DatasetManifest,
  devPassword,
  eventually,
  generateDataset,
  HttpResult,
  JobView,
  Level,
  Marking,
  markingsIn,
  maysee,
  stack,
  upload,
  waitJob,
} from './e2e-test.helpers';

/**
 * Issue 9 — the whole platform under a real investigation, against the running stack, as a
 * newcomer would drive it through the gateway:
 *  administrators create analysts (two tenants) → an ingest operator uploads CSV call records,
 *  an NDJSON registry and a STIX 2.1 bundle → entity resolution merges and queues → analysts
 *  search, expand, find paths, build a timeline and a map, each seeing exactly what their
 *  clearance allows → an auditor reads who did what and why, exports, and verifies offline.
 * Names are unique per run; the dataset is generated with a per-run seed, so what is asserted
 * is what this run ingested (the shared tenants also hold the demo data and other suites' data).
 */

interface ObjectView {
  id: string;
  type: string;
  markings: Marking;
  entityId: string | null;
  provenance: { source: string; jobId?: string };
  properties: Record<string, { value: unknown; marking: Marking }>;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface SearchHit {
  id: string;
  type: string;
  title: string;
  markings: Marking;
}
interface AuditRecord {
  tenant: string;
  seq: number;
  event: { action: string; outcome: string; actor: { username?: string }; purpose: { caseRef: string; justification: string } | null; resources: { type: string; id: string }[] };
}

const RUN = randomBytes(3).toString('hex');
const SEED_ALPHA = randomInt(1_000, 1_000_000);
const SEED_BRAVO = SEED_ALPHA + 1;
const PASSWORD = `E2e-${randomBytes(9).toString('base64url')}!7`;
const S_SAPHIR: Marking = { level: 'S', compartments: ['op-saphir'] };

const alphaAdmin: Actor = { realm: 'alpha', username: 'alpha-admin', password: devPassword(), clearance: 'NP', compartments: [] };
const bravoAdmin: Actor = { realm: 'bravo', username: 'bravo-admin', password: devPassword(), clearance: 'NP', compartments: [] };

function person(realm: string, role: string, clearance: Level, compartments: string[], caseRef?: string): Actor {
  return {
    realm,
    username: `e2e-${RUN}-${role}`,
    password: PASSWORD,
    clearance,
    compartments,
    ...(caseRef ? { purpose: { caseRef, justification: `scenario ${RUN}: ${role} works the case` } } : {}),
  };
}

// Alpha: an ingest operator of Operation Saphir, four analysts, an auditor. Bravo: an operator, an analyst.
const ingest = person('alpha', 'ingest', 'S', ['op-saphir'], `INGEST-${RUN}`);
const np = person('alpha', 'np', 'NP', [], `CASE-NP-${RUN}`);
const dr = person('alpha', 'dr', 'DR', ['cyber'], `CASE-DR-${RUN}`);
const sRubis = person('alpha', 's-rubis', 'S', ['op-rubis'], `CASE-RUBIS-${RUN}`);
const sSaphir = person('alpha', 's-saphir', 'S', ['op-saphir'], `CASE-SAPHIR-${RUN}`);
const auditor = person('alpha', 'auditor', 'S', [], `AUDIT-${RUN}`);
const bravoIngest = person('bravo', 'ingest', 'TS', ['op-ambre', 'finance'], `INGEST-B-${RUN}`);
const bravoAnalyst = person('bravo', 'analyst', 'TS', ['op-ambre', 'finance'], `CASE-B-${RUN}`);
const ANALYSTS = [np, dr, sRubis, sSaphir];

const roles: Record<string, string[]> = { ingest: ['vigie-ingest'], auditor: ['vigie-auditor'] };

/** Asserts a status, showing the body when it differs (a 503 says which dependency failed). */
function expectStatus(res: { status: number; text?: string; raw?: unknown }, status: number): void {
  const shown = res.status === status ? '' : (res.text ?? JSON.stringify(res.raw ?? null)).slice(0, 600);
  expect({ status: res.status, body: shown }).toEqual({ status, body: '' });
}

/** Asserts the response holds nothing the actor may not see (every markings object, anywhere in it). */
function expectNothingAbove(actor: Actor, body: unknown): void {
  const leaked = markingsIn(body).filter((m) => !maysee(actor, m));
  expect({ user: actor.username, leaked }).toEqual({ user: actor.username, leaked: [] });
}

async function listObjects(actor: Actor, query: Record<string, string>, max = 2_000): Promise<ObjectView[]> {
  const out: ObjectView[] = [];
  let cursor: string | null = null;
  do {
    const qs: URLSearchParams = new URLSearchParams({ ...query, limit: '500', ...(cursor ? { cursor } : {}) });
    const res: HttpResult<Page<ObjectView>> = await call<Page<ObjectView>>(actor, 'GET', `/objects?${qs}`);
    expectStatus(res, 200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor && out.length < max);
  return out;
}

/** The job's quarantine report (NDJSON: one refused record a line, with its line number, code and reason). */
async function quarantineOf(actor: Actor, jobId: string): Promise<{ line: number; code: string; reason: string }[]> {
  const res = await call(actor, 'GET', `/ingest/jobs/${jobId}/quarantine`);
  expectStatus(res, 200);
  return res.text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { line: number; code: string; reason: string });
}

async function search(actor: Actor, body: Record<string, unknown>): Promise<{ status: number; items: SearchHit[]; total: number; raw: unknown }> {
  const res = await call<{ items: SearchHit[]; total: number }>(actor, 'POST', '/search', { limit: 100, ...body });
  return { status: res.status, items: res.body?.items ?? [], total: res.body?.total ?? 0, raw: res.body };
}

describe(`scenario ${RUN}: an investigation end to end, nothing leaked`, () => {
  let alpha: { dir: string; manifest: DatasetManifest };
  let bravo: { dir: string; manifest: DatasetManifest };
  const jobs: Record<'calls' | 'registry' | 'stix' | 'bravo', JobView | undefined> = { calls: undefined, registry: undefined, stix: undefined, bravo: undefined };
  const started = new Date();
  // what the analysts find, used by the later steps
  let ringPhones: { callPhone: ObjectView; registryPhone?: ObjectView; fullName: string }[] = [];

  let db: Pool;

  beforeAll(() => {
    alpha = generateDataset(SEED_ALPHA);
    bravo = generateDataset(SEED_BRAVO);
    db = new Pool({ connectionString: stack['VIGIE_PG_ADMIN_URL'], max: 1 });
  });

  afterAll(async () => {
    await db?.end();
  });

  it('administrators create analysts with different clearances and compartments in two tenants', async () => {
    const plan: [Actor, Actor][] = [ingest, np, dr, sRubis, sSaphir, auditor].map((a) => [alphaAdmin, a]);
    plan.push([bravoAdmin, bravoIngest], [bravoAdmin, bravoAnalyst]);
    for (const [admin, user] of plan) {
      const role = user.username.slice(`e2e-${RUN}-`.length);
      const res = await call<{ id: string; clearance: string; compartments: string[]; roles: string[] }>(admin, 'POST', `/admin/tenants/${user.realm}/users`, {
        username: user.username,
        email: `${user.username}@${user.realm}.test`,
        firstName: 'Scenario',
        lastName: role,
        clearance: user.clearance,
        compartments: user.compartments,
        roles: roles[role] ?? ['vigie-analyst'],
        temporaryPassword: `Temp-${randomBytes(8).toString('hex')}`,
      });
      expect({ user: user.username, status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ user: user.username, status: 201, text: '' });
      expect(res.body.clearance).toBe(user.clearance);
      expect([...res.body.compartments].sort()).toEqual([...user.compartments].sort());
      await completeFirstLogin(user.realm, res.body.id, user.password);
      const me = await call<{ username: string; tenant: string; clearance: string; compartments: string[] }>(user, 'GET', '/auth/me');
      expectStatus(me, 200);
      expect(me.body).toMatchObject({ clearance: user.clearance });
      expect([...me.body.compartments].sort()).toEqual([...user.compartments].sort());
    }
    // The alpha administrator readies the tenant's ontology for threat intelligence: the STIX 2.1
    // extension (idempotent: a stack where it was applied before answers the same).
    const stixExtension = await call<{ missing: string[] }>(alphaAdmin, 'POST', '/ingest/stix-extension');
    expect({ status: stixExtension.status, missing: stixExtension.body.missing }).toEqual({ status: 200, missing: [] });
    // An analyst is not an administrator: the admin API refuses them.
    expect((await call(np, 'POST', `/admin/tenants/alpha/users`, { username: `e2e-${RUN}-x`, email: 'x@alpha.test', firstName: 'X', lastName: 'Y' })).status).toBe(403);
    // An administrator of bravo administers bravo only.
    expect([403, 404]).toContain((await call(bravoAdmin, 'GET', '/admin/tenants/alpha/users')).status);
  });

  it('an ingest operator uploads call records (CSV), a company registry (NDJSON) and a STIX 2.1 bundle; every record accounted for', async () => {
    const m = alpha.manifest.files;
    const ids = {
      calls: await upload(ingest, alpha.dir, m.calls, `e2e-${RUN}:call-records`, S_SAPHIR),
      registry: await upload(ingest, alpha.dir, m.registry, `e2e-${RUN}:company-registry`, { level: 'NP', compartments: [] }),
      stix: await upload(ingest, alpha.dir, m.stix, `e2e-${RUN}:threat-intel`, { level: 'NP', compartments: [] }),
      bravo: await upload(bravoIngest, bravo.dir, bravo.manifest.files.registry, `e2e-${RUN}:bravo-registry`, { level: 'NP', compartments: [] }),
    };
    // A marking above the uploader's own clearance is refused up front.
    const refused = await upload(ingest, alpha.dir, m.registry, `e2e-${RUN}:too-high`, { level: 'TS', compartments: [] }).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(refused).toMatch(/HTTP 4\d\d/);

    for (const k of ['calls', 'registry', 'stix'] as const) jobs[k] = await waitJob(ingest, ids[k]);
    jobs.bravo = await waitJob(bravoIngest, ids.bravo);

    for (const [k, file] of [['calls', m.calls], ['registry', m.registry], ['bravo', bravo.manifest.files.registry]] as const) {
      const job = jobs[k] as JobView;
      expect({ file: file.file, status: job.status, error: job.error }).toEqual({ file: file.file, status: 'completed', error: null });
      expect({ file: file.file, read: job.counts.read, valid: job.counts.valid, quarantined: job.counts.quarantined, written: job.counts.written }).toEqual({
        file: file.file,
        read: file.items,
        valid: file.valid,
        quarantined: file.rejected.length,
        written: file.valid,
      });
    }
    // The quarantine report names every rejected line and why (exactly the manifest's defects).
    for (const [k, file] of [['calls', m.calls], ['registry', m.registry]] as const) {
      const q = await quarantineOf(ingest, jobs[k]?.id as string);
      const got = q.map((i) => `${i.line}:${i.code}`).sort();
      expect(got).toEqual(file.rejected.map((r) => `${r.line}:${r.code}`).sort());
    }
    // STIX: every object typed in the ontology is written; only the TLP:RED ones (a compartment the
    // operator does not hold) are quarantined, for that reason.
    const stix = jobs.stix as JobView;
    expect({ status: stix.status, error: stix.error }).toEqual({ status: 'completed', error: null });
    expect(stix.counts.read).toBe(m.stix.items);
    const sq = await quarantineOf(ingest, stix.id);
    expect(sq.map((i) => i.code)).toEqual(alpha.manifest.stixRedObjects.map(() => 'MARKING_ABOVE_CLEARANCE'));
    expect(stix.counts.quarantined).toBe(alpha.manifest.stixRedObjects.length);
  });

  it('entity resolution merges the spellings of one officer and queues the doubtful record', async () => {
    const registryJob = jobs.registry?.id as string;
    const name = (o: ObjectView) => String(o.properties['fullName']?.value ?? '');
    const birth = (o: ObjectView) => (o.properties['birthDate']?.value as string | undefined) ?? null;

    // This run's officers (listed by update time: a property filter scans the shared tenant's
    // hundreds of thousands of persons and times out under load).
    const officers = async () => (await listObjects(sSaphir, { type: 'Person', updatedSince: started.toISOString() }, 50_000)).filter((o) => o.provenance.jobId === registryJob);
    // Merges happen as the ontology writes: poll until every group has its entity.
    for (const group of alpha.manifest.resolution) {
      const same = await eventually(
        `merge of ${group.person}`,
        async () => (await officers()).filter((o) => birth(o) === group.birthDate && group.spellings.includes(name(o))),
        (objs) => objs.length === group.merge.length && objs.every((o) => o.entityId && o.entityId === objs[0].entityId),
        60_000,
        1_000,
      );
      expect(new Set(same.map((o) => o.entityId)).size).toBe(1);
      const entity = same[0].entityId as string;

      // The doubtful record (another birth date or none) is not merged: it waits in the review queue.
      const namesakes = (await officers()).filter((o) => group.spellings.includes(name(o)));
      expect(namesakes.length).toBe(group.merge.length + group.review.length);
      const doubtful = namesakes.filter((o) => birth(o) !== group.birthDate);
      expect(doubtful.length).toBe(group.review.length);
      // A record with ANOTHER birth date must not be merged: it waits in the review queue. (A record
      // with NO birth date — same name and birth place, no phone — is merged by today's matcher; the
      // dataset calls it doubtful. That policy question is reported to the entity-resolution owner
      // (docs/testing.md), so its fate is not asserted here either way.)
      for (const d of doubtful.filter((o) => birth(o) !== null)) {
        const fresh = await call<ObjectView>(sSaphir, 'GET', `/objects/${d.id}`);
        expect(fresh.body.entityId).not.toBe(entity);
        // The queue API lists pairs best score first, with no filter by object (the shared tenant holds
        // ~200k pending pairs from the benchmarks): the pair is looked up in the ontology's table.
        const queued = await eventually(
          `review item for ${group.person} (${d.id})`,
          async () => (await db.query<{ status: string }>(`SELECT status FROM ontology.review_item WHERE tenant = 'alpha' AND (left_id = $1 OR right_id = $1)`, [d.id])).rows,
          (rows) => rows.length > 0,
          30_000,
          1_000,
        );
        expect(queued[0].status).toBe('pending');
      }
    }
  });

  it('analysts search: each sees exactly what their clearance and compartments allow', async () => {
    const callsJob = jobs.calls?.id as string;
    const registryJob = jobs.registry?.id as string;
    // The ring's phones as the call records wrote them (S, op-saphir) and as the registry did (NP).
    ringPhones = [];
    const recentPhones = await listObjects(sSaphir, { type: 'Phone', updatedSince: started.toISOString() }, 50_000);
    for (const r of alpha.manifest.ring) {
      const phones = recentPhones.filter((p) => p.properties['number']?.value === r.phone);
      const callPhone = phones.find((p) => p.provenance.jobId === callsJob);
      if (callPhone) ringPhones.push({ fullName: r.fullName, callPhone, registryPhone: phones.find((p) => p.provenance.jobId === registryJob) });
    }
    expect(ringPhones.length).toBeGreaterThanOrEqual(2);
    expect(ringPhones[0].callPhone.markings).toEqual(S_SAPHIR);

    const number = alpha.manifest.ring[0].phone;
    // Search, graph, timeline and map read the analytics projection of the ONTOLOGY stream, which
    // follows the writes (seconds on an idle stack, minutes behind a backlog on a busy one): wait,
    // bounded, until the cleared analyst's search finds what this run wrote, then assert exactly.
    const wanted = [ringPhones[0].callPhone.id, ...(ringPhones[0].registryPhone ? [ringPhones[0].registryPhone.id] : [])];
    await eventually(
      'analytics projection of this run (the ring phone found by the cleared analyst)',
      async () => (await search(sSaphir, { q: number, types: ['Phone'] })).items.map((h) => h.id),
      (found) => wanted.every((id) => found.includes(id)),
      120_000,
      2_000,
    );
    const seen: Record<string, SearchHit[]> = {};
    for (const a of ANALYSTS) {
      const res = await search(a, { q: number, types: ['Phone'] });
      expect({ user: a.username, status: res.status }).toEqual({ user: a.username, status: 200 });
      expectNothingAbove(a, res.raw);
      seen[a.username] = res.items;
    }
    const ids = (u: Actor) => seen[u.username].map((h) => h.id);
    // The cleared analyst finds the phone from the call records; nobody else does — not even S without op-saphir.
    expect(ids(sSaphir)).toContain(ringPhones[0].callPhone.id);
    for (const a of [np, dr, sRubis]) expect(ids(a)).not.toContain(ringPhones[0].callPhone.id);
    // The registry's (NP) copy of the number, when the officer gave one, is visible to all.
    if (ringPhones[0].registryPhone) for (const a of ANALYSTS) expect(ids(a)).toContain(ringPhones[0].registryPhone.id);
    // Counts never leak: the totals differ by exactly what is hidden.
    expect(seen[sSaphir.username].length).toBeGreaterThan(seen[np.username].length);

    // A hidden object is "not found", not "forbidden" (its existence is not confirmed).
    for (const a of [np, dr, sRubis]) expect((await call(a, 'GET', `/objects/${ringPhones[0].callPhone.id}`)).status).toBe(404);
    const visible = await call<ObjectView>(sSaphir, 'GET', `/objects/${ringPhones[0].callPhone.id}`);
    expectStatus(visible, 200);

    // A person under another spelling and script (fuzzy, accents): the NP registry is open to all.
    const ivanov = alpha.manifest.resolution.find((g) => g.spellings.some((s) => /[А-я]/.test(s))) ?? alpha.manifest.resolution[0];
    const fuzzy = await search(np, { q: ivanov.spellings[ivanov.spellings.length - 1], types: ['Person'] });
    expectStatus(fuzzy, 200);
    expect(fuzzy.total).toBeGreaterThan(0);
    expectNothingAbove(np, fuzzy.raw);
  });

  it('analysts expand neighbourhoods and find paths only through what they may see', async () => {
    const [a, b] = ringPhones;
    const hood = await call<{ nodes: { id: string; type: string; markings: Marking }[]; edges?: unknown[] }>(sSaphir, 'POST', '/graph/neighbourhood', { ids: [a.callPhone.id], hops: 1 });
    expectStatus(hood, 200);
    expectNothingAbove(sSaphir, hood.body);
    const types = new Set(hood.body.nodes.map((n) => n.type));
    expect(types.has('Phone')).toBe(true);
    expect(types.has('Location')).toBe(true); // the cell towers it was seen at
    expect(hood.body.nodes.length).toBeGreaterThan(2);

    for (const other of [np, dr, sRubis]) {
      const res = await call<{ nodes?: { id: string }[] }>(other, 'POST', '/graph/neighbourhood', { ids: [a.callPhone.id], hops: 2 });
      expect([200, 404]).toContain(res.status);
      expectNothingAbove(other, res.body);
      expect((res.body?.nodes ?? []).map((n) => n.id)).not.toContain(a.callPhone.id);
    }

    // A path between the ring member's phone and a phone two calls away. (The graph links records,
    // not resolved entities: the same number written another way is another node — see docs/testing.md.)
    // The ring's ~100 calls between ten people make a second-hop phone certain once every call link is
    // projected; the search above waited for this run's phones, not for the links of every batch
    // (a records.changed page may end between a batch's objects and its links), so wait for it, bounded.
    const two = await eventually(
      'analytics projection of the call links (a phone two calls away from the ring phone)',
      () => call<{ nodes: { id: string; type: string; depth: number }[] }>(sSaphir, 'POST', '/graph/neighbourhood', { ids: [a.callPhone.id], hops: 2, linkTypes: ['called'] }),
      (res) => res.status !== 200 || res.body.nodes.some((n) => n.depth === 2 && n.type === 'Phone'),
      120_000,
      2_000,
    );
    expectStatus(two, 200);
    const far = two.body.nodes.find((n) => n.depth === 2 && n.type === 'Phone');
    expect(far).toBeDefined();
    const target = far?.id ?? b.callPhone.id;
    const paths = await call<{ paths: unknown[] }>(sSaphir, 'POST', '/graph/paths', { fromId: a.callPhone.id, toId: target, k: 3, maxHops: 4 });
    expectStatus(paths, 200);
    expectNothingAbove(sSaphir, paths.body);
    expect(paths.body.paths.length).toBeGreaterThan(0);
    const hidden = await call<{ paths?: unknown[] }>(np, 'POST', '/graph/paths', { fromId: a.callPhone.id, toId: target, k: 3, maxHops: 4 });
    expect([200, 404]).toContain(hidden.status);
    expect(hidden.body?.paths ?? []).toEqual([]);
  });

  it('analysts build a timeline and a map; the uncleared see neither the calls nor the towers', async () => {
    const phone = ringPhones[0].callPhone;
    const timeline = await call<{ items: { kind: string; type: string; at: string }[]; buckets: { links: number }[] }>(sSaphir, 'POST', '/timeline', { ids: [phone.id], bucket: 'day' });
    expectStatus(timeline, 200);
    expectNothingAbove(sSaphir, timeline.body);
    const linkTypes = new Set(timeline.body.items.map((i) => i.type));
    expect(linkTypes.has('called') || linkTypes.has('located_at')).toBe(true);
    expect(timeline.body.items.length).toBeGreaterThan(0);
    for (const other of [np, sRubis]) {
      const res = await call<{ items?: unknown[] }>(other, 'POST', '/timeline', { ids: [phone.id], bucket: 'day' });
      expect([200, 404]).toContain(res.status);
      expect(res.body?.items ?? []).toEqual([]);
    }

    // The towers this phone was seen at, on a map of metropolitan France.
    const towers = (await call<{ nodes: { id: string; type: string }[] }>(sSaphir, 'POST', '/graph/neighbourhood', { ids: [phone.id], hops: 1, objectTypes: ['Location'] })).body.nodes
      .filter((n) => n.type === 'Location')
      .map((n) => n.id);
    expect(towers.length).toBeGreaterThan(0);
    const box = { minLat: 41, minLon: -5.5, maxLat: 51.5, maxLon: 10 };
    const map = await call<{ points: { id: string }[]; clustered: boolean }>(sSaphir, 'POST', '/geo', { box, types: ['Location'], clusterAbove: 5_000 });
    expectStatus(map, 200);
    expect(map.body.clustered).toBe(false);
    expectNothingAbove(sSaphir, map.body);
    expect(map.body.points.map((p) => p.id)).toEqual(expect.arrayContaining(towers));
    for (const other of [np, dr, sRubis]) {
      const res = await call<{ points: { id: string }[] }>(other, 'POST', '/geo', { box, types: ['Location'], clusterAbove: 5_000 });
      expectStatus(res, 200);
      expectNothingAbove(other, res.body);
      for (const t of towers) expect(res.body.points.map((p) => p.id)).not.toContain(t);
    }
  });

  it('threat intelligence: the STIX objects are there for the cleared, TLP:AMBER hidden from NP', async () => {
    const stixJob = jobs.stix?.id as string;
    const drObjects = (await listObjects(dr, { type: 'ThreatActor', updatedSince: started.toISOString() })).filter((o) => o.provenance.jobId === stixJob);
    expect(drObjects.length).toBeGreaterThan(0);
    const hits = await search(dr, { q: 'Brume Électrique' });
    expectStatus(hits, 200);
    expect(hits.total).toBeGreaterThan(0);
    expectNothingAbove(dr, hits.raw);
    const npIndicators = await listObjects(np, { type: 'Indicator', updatedSince: started.toISOString() });
    expectNothingAbove(np, npIndicators);
  });

  it('tenants are sealed: bravo never sees alpha, alpha never sees bravo', async () => {
    expect((await call(bravoAnalyst, 'GET', `/objects/${ringPhones[0].callPhone.id}`)).status).toBe(404);
    const cross = await search(bravoAnalyst, { q: alpha.manifest.ring[0].phone, types: ['Phone'] });
    expectStatus(cross, 200);
    expect(cross.items).toEqual([]);
    const bravoPeople = (await listObjects(bravoAnalyst, { type: 'Person', updatedSince: started.toISOString() })).filter((o) => o.provenance.jobId === jobs.bravo?.id);
    expect(bravoPeople.length).toBeGreaterThan(0);
    expect((await call(sSaphir, 'GET', `/objects/${bravoPeople[0].id}`)).status).toBe(404);
    expect((await call(bravoIngest, 'GET', `/ingest/jobs/${jobs.calls?.id}`)).status).toBe(404);
  });

  it('the auditor sees what each analyst did and why, exports, and verifies the chain offline with the CLI', async () => {
    for (const a of ANALYSTS) {
      const records = await eventually(
        `audit records of ${a.username}`,
        async () => (await call<{ records: AuditRecord[] }>(auditor, 'GET', `/audit/records?actor=${a.username}&limit=500&from=${started.toISOString()}`)).body.records ?? [],
        (r) => r.some((x) => x.event.action === 'search.query'),
        // the audit writer follows the AUDIT stream: seconds on an idle stack, longer behind a backlog
        120_000,
        2_000,
      );
      expect(records.every((r) => r.tenant === 'alpha' && r.event.actor.username === a.username)).toBe(true);
      const purposes = new Set(records.map((r) => r.event.purpose?.caseRef).filter(Boolean));
      expect([...purposes]).toEqual([a.purpose?.caseRef]);
      // What each one was shown is on the record: the hidden phone only in the cleared analyst's search.
      const searches = records.filter((r) => r.event.action === 'search.query');
      const shown = searches.some((r) => r.event.resources.some((x) => x.id === ringPhones[0].callPhone.id));
      expect({ user: a.username, shown }).toEqual({ user: a.username, shown: a === sSaphir });
      expect(searches.every((r) => r.event.purpose?.caseRef === a.purpose?.caseRef)).toBe(true);
    }
    // By purpose: the Saphir case's reads are the Saphir analyst's only.
    const byCase = await call<{ records: AuditRecord[] }>(auditor, 'GET', `/audit/records?purposeCaseRef=${sSaphir.purpose?.caseRef}&limit=500`);
    expectStatus(byCase, 200);
    expect(byCase.body.records.length).toBeGreaterThan(0);
    expect(new Set(byCase.body.records.map((r) => r.event.actor.username))).toEqual(new Set([sSaphir.username]));
    // Another tenant's acts are not in alpha's log.
    expect((await call<{ records: AuditRecord[] }>(auditor, 'GET', `/audit/records?actor=${bravoAnalyst.username}&limit=50`)).body.records).toEqual([]);
    // Analysts cannot read the audit log.
    expect((await call(sSaphir, 'GET', '/audit/records?limit=1')).status).toBe(403);

    // Export (purpose stated) and verify offline with the published key, as an auditor would.
    const keys = await call<{ keys: { keyId: string; publicKeyPem: string; status: string }[] }>(auditor, 'GET', '/audit/keys');
    const active = keys.body.keys.find((k) => k.status === 'active');
    expect(active).toBeDefined();
    const exported = await call(auditor, 'GET', '/audit/export');
    expectStatus(exported, 200);
    expect(exported.text).toContain(sSaphir.username);
    const dir = mkdtempSync(join(tmpdir(), 'vigie-e2e-audit-'));
    writeFileSync(join(dir, 'alpha.ndjson'), exported.text);
    writeFileSync(join(dir, 'key.pem'), active?.publicKeyPem ?? '');
    const cli = join(launcher.ROOT, 'dist/apps/cli/main.js');
    expect(existsSync(cli)).toBe(true);
    const ok = spawnSync(process.execPath, [cli, 'audit', 'verify', join(dir, 'alpha.ndjson'), '--public-key', join(dir, 'key.pem')], { encoding: 'utf8' });
    expect({ status: ok.status, out: ok.status === 0 ? '' : ok.stdout + ok.stderr }).toEqual({ status: 0, out: '' });
    // …and the check can fail: one altered record is named.
    const lines = exported.text.split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"record"') && l.includes(sSaphir.username));
    lines[i] = lines[i].replace(sSaphir.username, `${sSaphir.username}-x`);
    writeFileSync(join(dir, 'tampered.ndjson'), lines.join('\n'));
    const bad = spawnSync(process.execPath, [cli, 'audit', 'verify', join(dir, 'tampered.ndjson'), '--public-key', join(dir, 'key.pem')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/FAILED: altered at seq \d+/);
  });
});
