import { IngestBatch, ingestBatchSchema, IngestBatchInput, ObjectView, OntologyExceptionCode } from '@vigie/ontology-contracts';
import { DEFAULT_THRESHOLDS, scorePair } from '@vigie/ontology-domain';
import { actorOf, OntologyKit, startKit, tenantName } from '../../test/test-kit';
import { ResolutionEngine } from './resolution-engine';

const NP = { level: 'NP' as const, compartments: [] };

function batch(source: string, seq: number, objects: IngestBatchInput['objects']): IngestBatch {
  return ingestBatchSchema.parse({ batchId: `${source}-${seq}`, jobId: `job-${source}`, seq, source, objects });
}

/**
 * Entity resolution end to end: INGEST batch → deterministic keys (in the write) and fuzzy matching
 * (the background resolver: `engine.drain` run here on this spec's tenant — or the running ontology
 * service's own resolver, which takes every tenant's queue; whichever takes a record first resolves
 * it) → entities, review queue, unmerge.
 */
describe('entity resolution on ingest (real PostgreSQL and NATS)', () => {
  let kit: OntologyKit;
  const tenant = tenantName('er');
  const ingestion = actorOf(tenant, 'TS', [], ['vigie-ingest'], 'service-account-vigie-ingestion');
  const analyst = actorOf(tenant, 'TS', [], ['vigie-analyst'], 'analyst-1');
  const np = actorOf(tenant, 'NP');
  const people = new Map<string, ObjectView>();

  const pending = async () => (await kit.db.read((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM resolution_pending WHERE tenant = ?`, [tenant])))[0]?.n ?? 0;
  /** Runs the background resolver on this tenant until its queue is empty (the service's may hold some records meanwhile). */
  const resolveQueued = async () => {
    for (let i = 0; i < 300; i++) {
      await kit.engine.drain(1000, tenant);
      if ((await pending()) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`records of ${tenant} still queued for resolution after 30 s`);
  };

  const person = async (sourceKey: string) => {
    const found = (await kit.objects.list(analyst, { type: 'Person', filters: [{ property: 'fullName', op: 'exists', value: true }], includeDeleted: false, limit: 100 })).items;
    for (const p of found) people.set(p.provenance.recordKey ?? '', p);
    const p = people.get(sourceKey);
    if (!p) throw new Error(`no person ${sourceKey}`);
    return kit.objects.get(analyst, p.id);
  };

  beforeAll(async () => {
    kit = await startKit();
    await kit.ingest.write(
      ingestion,
      batch('fichier-a', 0, [
        { type: 'Person', sourceKey: 'A1', properties: { fullName: 'Jean-Pierre Lefèvre', passportNumbers: ['12AB34567'], birthDate: '1962-09-30' }, markings: NP, provenance: { recordKey: 'A1' } },
        { type: 'Person', sourceKey: 'A2', properties: { fullName: 'Александр Петров', birthDate: '1980-03-12', birthPlace: 'Moscou', gender: 'male' }, markings: NP, provenance: { recordKey: 'A2' } },
        { type: 'Person', sourceKey: 'A3', properties: { fullName: 'Aleksandr Petrov', birthDate: '1980-03-12', birthPlace: 'Moscou', gender: 'male' }, markings: NP, provenance: { recordKey: 'A3' } },
        { type: 'Person', sourceKey: 'A4', properties: { fullName: 'Jean Martin', birthDate: '1970-01-01' }, markings: NP, provenance: { recordKey: 'A4' } },
        { type: 'Person', sourceKey: 'A5', properties: { fullName: 'Marie Dupont' }, markings: NP, provenance: { recordKey: 'A5' } },
      ]),
    );
    await resolveQueued();
  });
  afterAll(() => kit.close());

  it('merges a transliterated name (Cyrillic → Latin) with the same birth date and place', async () => {
    const [a2, a3] = [await person('A2'), await person('A3')];
    expect(a2.entityId).not.toBeNull();
    expect(a3.entityId).toBe(a2.entityId);
    const entity = await kit.resolution.entity(analyst, a2.entityId!);
    expect(entity.memberIds.sort()).toEqual([a2.id, a3.id].sort());
    expect(entity.merges[0]).toMatchObject({ decidedBy: 'auto', undoneAt: null });
    expect(entity.merges[0]!.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.merge);
    expect(entity.merges[0]!.reasons.map((r) => r.feature)).toEqual(expect.arrayContaining(['name', 'birthDate']));
  });

  it('merges records of another source sharing a strong identifier (deterministic key), across batches', async () => {
    const processed = await kit.ingest.write(
      ingestion,
      batch('fichier-b', 0, [
        { type: 'Person', sourceKey: 'B1', properties: { fullName: 'J. P. Lefevre', passportNumbers: ['12 ab 34567'] }, markings: NP, provenance: { recordKey: 'B1' } },
        { type: 'Person', sourceKey: 'B2', properties: { fullName: 'Jean Martin', birthDate: '1985-06-30' }, markings: NP, provenance: { recordKey: 'B2' } },
        { type: 'Person', sourceKey: 'B3', properties: { fullName: 'Marie Dupond' }, markings: NP, provenance: { recordKey: 'B3' } },
      ]),
    );
    // The deterministic key merges in the write itself, before any background resolution.
    expect(processed.merged).toBeGreaterThanOrEqual(1);
    expect(processed.entityIds ?? []).toHaveLength(1);
    const [a1, b1] = [await person('A1'), await person('B1')];
    expect(a1.entityId).toBe(processed.entityIds?.[0]);
    await resolveQueued();
    expect(b1.entityId).not.toBeNull();
    expect(a1.entityId).toBe(b1.entityId);
    const entity = await kit.resolution.entity(analyst, a1.entityId!);
    expect(entity.merges.at(-1)).toMatchObject({ score: 1, reasons: [expect.objectContaining({ feature: 'identifier:passport', detail: expect.stringContaining('12AB34567') })] });
  });

  it('merges every identifier group of a batch at once (set-based), joining existing entities as one merge at a time would', async () => {
    const processed = await kit.ingest.write(
      ingestion,
      batch('fichier-d', 0, [
        { type: 'Person', sourceKey: 'D1', properties: { fullName: 'Paul Girard', passportNumbers: ['31CD45678'] }, markings: NP, provenance: { recordKey: 'D1' } },
        { type: 'Person', sourceKey: 'D2', properties: { fullName: 'P. Girard', passportNumbers: ['31 cd 45678'] }, markings: NP, provenance: { recordKey: 'D2' } },
        { type: 'Person', sourceKey: 'D3', properties: { fullName: 'Lina Faure', passportNumbers: ['42EF56789'] }, markings: NP, provenance: { recordKey: 'D3' } },
        { type: 'Person', sourceKey: 'D4', properties: { fullName: 'L. Faure', passportNumbers: ['42EF56789'] }, markings: NP, provenance: { recordKey: 'D4' } },
        // Joins the existing entity of A1 and B1 (same passport).
        { type: 'Person', sourceKey: 'D5', properties: { fullName: 'Jean-Pierre Lefevre', passportNumbers: ['12AB34567'] }, markings: NP, provenance: { recordKey: 'D5' } },
      ]),
    );
    expect(processed.merged).toBe(3);
    const [d1, d2, d3, d4, d5, a1] = [await person('D1'), await person('D2'), await person('D3'), await person('D4'), await person('D5'), await person('A1')];
    expect(d1.entityId).not.toBeNull();
    expect(d2.entityId).toBe(d1.entityId);
    expect(d4.entityId).toBe(d3.entityId);
    expect(d3.entityId).not.toBe(d1.entityId);
    expect(d5.entityId).toBe(a1.entityId);
    const joined = await kit.resolution.entity(analyst, a1.entityId!);
    expect(joined.memberIds).toEqual(expect.arrayContaining([a1.id, d5.id]));
    const last = joined.merges.at(-1)!;
    expect(last).toMatchObject({ score: 1, decidedBy: 'auto', reasons: [expect.objectContaining({ feature: 'identifier:passport' })] });
    // Undoing the bulk merge that brought D5 in puts D5 back alone and leaves the others as they were.
    await kit.resolution.unmerge(analyst, last.id, undefined);
    expect((await person('D5')).entityId).toBeNull();
    expect((await person('A1')).entityId).toBe(a1.entityId);
    expect((await kit.resolution.entity(analyst, d1.entityId!)).memberIds.sort()).toEqual([d1.id, d2.id].sort());
    await resolveQueued();
  });

  it('does not merge homonyms born years apart, nor queue them', async () => {
    expect(scorePair({ id: 'x', names: ['Jean Martin'], birthDate: '1970-01-01' }, { id: 'y', names: ['Jean Martin'], birthDate: '1985-06-30' }).score).toBeLessThan(DEFAULT_THRESHOLDS.review);
    const [a4, b2] = [await person('A4'), await person('B2')];
    expect(a4.entityId).toBeNull();
    expect(b2.entityId).toBeNull();
    const queue = await kit.resolution.queue(analyst, { status: 'pending', limit: 50 });
    expect(queue.items.some((r) => [r.leftId, r.rightId].includes(a4.id))).toBe(false);
  });

  it('queues a middle-band pair for review, with the score and its reasons; an analyst merges it; unmerge restores the previous state', async () => {
    const expected = scorePair({ id: 'x', names: ['Marie Dupont'] }, { id: 'y', names: ['Marie Dupond'] }).score;
    expect(expected).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(expected).toBeLessThan(DEFAULT_THRESHOLDS.merge);
    const [a5, b3] = [await person('A5'), await person('B3')];
    const queue = await kit.resolution.queue(analyst, { status: 'pending', objectType: 'Person', limit: 50 });
    const review = queue.items.find((r) => [r.leftId, r.rightId].sort().join() === [a5.id, b3.id].sort().join());
    expect(review).toMatchObject({ status: 'pending', score: expect.closeTo(expected, 3) });
    expect(review!.reasons.map((r) => r.feature)).toContain('name');
    // Filtered by object: only the pairs that object is one side of.
    const ofA5 = await kit.resolution.queue(analyst, { status: 'pending', objectId: a5.id, limit: 50 });
    expect(ofA5.items.map((r) => r.id)).toContain(review!.id);
    expect(ofA5.items.every((r) => r.leftId === a5.id || r.rightId === a5.id)).toBe(true);
    // A record with no pending pair (A4: homonym born years apart, above) gets an empty page, though the queue is not empty.
    expect((await kit.resolution.queue(analyst, { status: 'pending', objectId: (await person('A4')).id, limit: 50 })).items).toEqual([]);

    const decided = await kit.resolution.decide(analyst, review!.id, 'merge', 'same notary file');
    expect(decided.review).toMatchObject({ status: 'merged', decidedBy: 'analyst-1', comment: 'same notary file' });
    expect(decided.merge).toMatchObject({ decidedBy: 'analyst-1', memberIds: expect.arrayContaining([a5.id, b3.id]) });
    const entityId = decided.merge!.entityId;
    expect((await person('A5')).entityId).toBe(entityId);
    await expect(kit.resolution.decide(analyst, review!.id, 'reject', undefined)).rejects.toMatchObject({ code: OntologyExceptionCode.ReviewAlreadyDecided });

    const undone = await kit.resolution.unmerge(analyst, decided.merge!.id, 'different persons after all');
    expect(undone).toMatchObject({ id: decided.merge!.id, undoneBy: 'analyst-1' });
    expect(undone.undoneAt).not.toBeNull();
    expect((await person('A5')).entityId).toBeNull();
    expect((await person('B3')).entityId).toBeNull();
    await expect(kit.resolution.unmerge(analyst, decided.merge!.id, undefined)).rejects.toMatchObject({ code: OntologyExceptionCode.MergeAlreadyUndone });
    // The source records were never touched by merge nor unmerge.
    expect((await person('A5')).version).toBe(1);
  });

  it('an undone automatic merge is not redone when a record changes: the pair goes to review instead', async () => {
    const a2 = await person('A2');
    const entity = await kit.resolution.entity(analyst, a2.entityId!);
    await kit.resolution.unmerge(analyst, entity.merges[0]!.id, undefined);
    expect((await person('A2')).entityId).toBeNull();
    await kit.ingest.write(
      ingestion,
      batch('fichier-a', 1, [
        { type: 'Person', sourceKey: 'A3', properties: { fullName: 'Aleksandr Petrov', birthDate: '1980-03-12', birthPlace: 'Moscou', gender: 'male', occupation: 'Ingénieur' }, markings: NP, provenance: { recordKey: 'A3' } },
      ]),
    );
    await resolveQueued();
    expect((await person('A3')).entityId).toBeNull();
    const queue = await kit.resolution.queue(analyst, { status: 'pending', objectType: 'Person', limit: 50 });
    expect(queue.items.some((r) => [r.leftId, r.rightId].includes(a2.id))).toBe(true);
  });

  it('never joins a pair whose merge was undone through a third record that matches both: the cluster goes to review', async () => {
    const volkov = (key: string, fullName: string) => ({ type: 'Person', sourceKey: key, properties: { fullName, birthDate: '1969-02-21', birthPlace: 'Nantes', gender: 'male' }, markings: NP, provenance: { recordKey: key } });
    await kit.ingest.write(ingestion, batch('fichier-v', 0, [volkov('V1', 'Dmitri Volkov'), volkov('V2', 'Dmitri Volkov')]));
    await resolveQueued();
    const v1 = await person('V1');
    expect(v1.entityId).not.toBeNull();
    const merge = (await kit.resolution.entity(analyst, v1.entityId!)).merges[0]!;
    await kit.resolution.unmerge(analyst, merge.id, 'two brothers');
    // A third record, the same in every respect, matches both; only its own pairs are scored now
    // (V1–V2 were compared when written), so the refusal must be found among the cluster's members.
    await kit.ingest.write(ingestion, batch('fichier-v', 1, [volkov('V3', 'Dmitri Volkov')]));
    await resolveQueued();
    const [a, b, c] = [await person('V1'), await person('V2'), await person('V3')];
    expect(a.entityId === null || a.entityId !== b.entityId).toBe(true);
    expect(c.entityId).toBeNull();
    const queue = await kit.resolution.queue(analyst, { status: 'pending', objectType: 'Person', limit: 100 });
    expect(queue.items.some((r) => [r.leftId, r.rightId].includes(c.id))).toBe(true);
  });

  it('resolves a corrected record on its new content, not on the state the resolver read before (prepared records are cached by content)', async () => {
    const lambert = (key: string, birthDate: string) => ({ type: 'Person', sourceKey: key, properties: { fullName: 'Hugo Lambert', birthDate, birthPlace: 'Lille', gender: 'male' }, markings: NP, provenance: { recordKey: key } });
    await kit.ingest.write(ingestion, batch('fichier-l', 0, [lambert('L1', '1991-04-05')]));
    await resolveQueued();
    // A homonym born decades apart: L1 is read (and kept) as its candidate, and not merged.
    await kit.ingest.write(ingestion, batch('fichier-l', 1, [lambert('L2', '1960-01-01')]));
    await resolveQueued();
    expect((await person('L1')).entityId).toBeNull();
    expect((await person('L2')).entityId).toBeNull();
    // L1's birth date was a typo for L2's: corrected, it is resolved again on what it says now.
    await kit.ingest.write(ingestion, batch('fichier-l', 2, [lambert('L1', '1960-01-01')]));
    await resolveQueued();
    const [l1, l2] = [await person('L1'), await person('L2')];
    expect(l1.version).toBe(2);
    expect(l1.entityId).not.toBeNull();
    expect(l2.entityId).toBe(l1.entityId);
  });

  it('leaves fuzzy matching to the background resolver: the write reports no merge, the resolver merges them afterwards', async () => {
    const records = batch('fichier-c', 0, [
      { type: 'Person', sourceKey: 'C1', properties: { fullName: 'Дмитрий Соколов', birthDate: '1975-07-14', birthPlace: 'Lyon', gender: 'male' }, markings: NP, provenance: { recordKey: 'C1' } },
      { type: 'Person', sourceKey: 'C2', properties: { fullName: 'Dmitri Sokolov', birthDate: '1975-07-14', birthPlace: 'Lyon', gender: 'male' }, markings: NP, provenance: { recordKey: 'C2' } },
    ]);
    const processed = await kit.ingest.write(ingestion, records);
    // Written and reported at once without fuzzy matching: what an analyst sees until the resolver runs.
    expect(processed).toMatchObject({ objects: { created: 2 }, merged: 0, queuedForReview: 0, entityIds: [] });
    await resolveQueued();
    const [c1, c2] = [await person('C1'), await person('C2')];
    expect(c1.entityId).not.toBeNull();
    expect(c2.entityId).toBe(c1.entityId);
    const entity = await kit.resolution.entity(analyst, c1.entityId!);
    expect(entity.merges.at(-1)).toMatchObject({ decidedBy: 'auto', undoneAt: null });
    // Nothing left: another run resolves nothing and merges nothing again.
    expect(await kit.engine.drain(1000, tenant)).toBe(0);
    expect((await kit.engine.sweep(0, 2000, tenant)).merged).toBe(0);
  });

  it('a resolver run that fails leaves nothing half-done: its records are taken in the transaction that resolves them', async () => {
    const failing = Object.assign(Object.create(ResolutionEngine.prototype), kit.engine, {
      resolveIn: async () => {
        throw new Error('resolution interrupted');
      },
    }) as ResolutionEngine;
    const [c1] = [await person('C1')];
    await kit.db.transaction((sql) => sql.query(`INSERT INTO resolution_pending (tenant, object_id) VALUES (?, ?)`, [tenant, c1.id]));
    const { document } = await kit.types.current(tenant);
    // Either this run takes the record and fails (rolled back: still queued), or the service's resolver took it first.
    const outcome = await failing.run(tenant, document, [c1.id], ingestion).then(
      () => 'taken by another resolver',
      (error: Error) => error.message,
    );
    expect(['resolution interrupted', 'taken by another resolver']).toContain(outcome);
    if (outcome === 'resolution interrupted') expect(await pending()).toBe(1);
    await resolveQueued();
    expect((await person('C1')).entityId).toBe(c1.entityId);
  });

  it('hides entities, reviews and merges involving records the reader may not see', async () => {
    const a1 = await person('A1');
    await expect(kit.resolution.entity(actorOf(tenantName('elsewhere'), 'TS'), a1.entityId!)).rejects.toMatchObject({ code: OntologyExceptionCode.EntityNotFound });
    await kit.objects.update(analyst, { id: a1.id, expectedVersion: a1.version, set: {}, markings: { level: 'S', compartments: [] }, provenance: { source: 'console' } });
    const seen = await kit.resolution.entity(np, a1.entityId!);
    expect(seen.memberIds).not.toContain(a1.id);
    expect(seen.merges).toEqual([]);
  });
});
