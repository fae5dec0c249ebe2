import { EventPublisher } from '@vigie/shared-messaging';
import { ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { IngestBatch, ingestBatchSchema, IngestBatchInput } from '@vigie/ontology-contracts';
import { LinkRow, messageJson, ObjectRow, OUTBOX_BUNDLE_SUBJECT, OUTBOX_TEXT_BUNDLE_SUBJECT, OutboxRepository, PendingOutboxMessage } from '@vigie/ontology-data-access';
import { OutboxPublisher } from '../services/outbox-publisher.service';
import { toLinkView, toObjectView } from '../views/object-state';
import { IngestService } from './ingest.service';
import { actorOf, OntologyKit, startKit, tenantName } from '../../test/test-kit';

const NP = { level: 'NP' as const, compartments: [] };

function batch(input: Omit<IngestBatchInput, 'batchId' | 'jobId' | 'seq'> & Partial<Pick<IngestBatchInput, 'batchId' | 'jobId' | 'seq'>>): IngestBatch {
  return ingestBatchSchema.parse({ batchId: 'b-1', jobId: 'job-1', seq: 0, ...input });
}

describe('INGEST batches written idempotently (real PostgreSQL and NATS)', () => {
  let kit: OntologyKit;
  const tenant = tenantName('ingest');
  const ingestion = actorOf(tenant, 'TS', [], ['vigie-ingest'], 'service-account-vigie-ingestion');
  const analyst = actorOf(tenant, 'TS', ['op-saphir']);

  const registry = batch({
    source: 'registre-2024',
    objects: [
      { type: 'Person', sourceKey: 'P-1', properties: { fullName: 'Hélène Marchand', birthDate: '12/04/1979', phones: ['06 11 22 33 44'] }, markings: NP, provenance: { line: 2 } },
      { type: 'Organization', sourceKey: 'O-1', properties: { name: 'Marchand & Fils' }, markings: NP, provenance: { line: 3 } },
      { type: 'Phone', sourceKey: 'T-1', properties: { number: '06 11 22 33 44' }, markings: NP, provenance: { line: 4 } },
      { type: 'Phone', sourceKey: 'T-bad', properties: { number: 'not a phone' }, markings: NP, provenance: { line: 5, recordKey: 'r5' } },
      { type: 'Starship', sourceKey: 'S-1', properties: { name: 'x' }, markings: NP, provenance: { line: 6 } },
    ],
    links: [
      { type: 'works_for', fromSourceKey: 'P-1', toSourceKey: 'O-1', markings: NP, provenance: { line: 7 } },
      { type: 'uses', fromSourceKey: 'P-1', toSourceKey: 'T-1', markings: NP, provenance: { line: 8 } },
      { type: 'uses', fromSourceKey: 'P-1', toSourceKey: 'T-missing', markings: NP, provenance: { line: 9 } },
    ],
  });

  beforeAll(async () => {
    kit = await startKit();
  });
  afterAll(() => kit.close());

  it('writes the valid records, reports the others for quarantine, with line and reason', async () => {
    const processed = await kit.ingest.write(ingestion, registry);
    expect(processed.objects).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(processed.links).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect(processed.rejected.map((r) => [r.kind, r.sourceKey, r.code, r.line])).toEqual([
      ['object', 'T-bad', 'INVALID_IDENTIFIER', 5],
      ['object', 'S-1', 'UNKNOWN_TYPE', 6],
      ['link', 'uses|registre-2024:P-1|registre-2024:T-missing|', 'LINK_END_NOT_FOUND', 9],
    ]);
    expect(processed.rejected[0]).toMatchObject({ recordKey: 'r5' });
    const people = await kit.objects.list(analyst, { type: 'Person', filters: [], includeDeleted: false, limit: 10 });
    expect(people.items).toHaveLength(1);
    expect(people.items[0]).toMatchObject({
      title: 'Hélène Marchand',
      version: 1,
      provenance: { source: 'registre-2024', jobId: 'job-1', line: 2 },
      properties: { birthDate: { value: '1979-04-12' }, phones: { value: ['+33611223344'] } },
    });
    const links = await kit.links.list(analyst, { objectId: people.items[0]!.id, direction: 'out', filters: [], includeDeleted: false, limit: 10 });
    expect(links.items.map((l) => l.type).sort()).toEqual(['uses', 'works_for']);
    // History keeps who wrote, not the writer's roles, clearance, compartments or token expiry.
    const stored = await kit.db.read((sql) =>
      sql.query<{ actor: Record<string, unknown> }>(
        `SELECT actor FROM object_version WHERE tenant = ? UNION ALL SELECT actor FROM link_version WHERE tenant = ?`,
        [tenant, tenant],
      ),
    );
    expect(stored).toHaveLength(5);
    for (const { actor } of stored) expect(actor).toEqual({ subject: ingestion.subject, username: 'service-account-vigie-ingestion', kind: 'user' });
  });

  it('a redelivered batch and the same records re-published under other message ids change nothing', async () => {
    const again = await kit.ingest.write(ingestion, registry);
    expect(again.objects).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(again.links).toEqual({ created: 0, updated: 0, unchanged: 2 });
    const republished = await kit.ingest.write(ingestion, { ...registry, batchId: 'b-other', jobId: 'job-2', seq: 7 });
    expect(republished.objects).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await kit.objects.count(analyst, { filters: [], includeDeleted: true })).toBe(3);
    expect(await kit.links.count(analyst, { direction: 'both', filters: [], includeDeleted: true })).toBe(2);
    const [person] = (await kit.objects.list(analyst, { type: 'Person', filters: [], includeDeleted: false, limit: 10 })).items;
    expect((await kit.objects.history(analyst, person!.id, undefined, 10)).items).toHaveLength(1);
  });

  it('a changed record becomes a new version naming what changed; its stored id stays', async () => {
    const [before] = (await kit.objects.list(analyst, { type: 'Person', filters: [], includeDeleted: false, limit: 10 })).items;
    const changed = batch({
      source: 'registre-2024',
      jobId: 'job-3',
      objects: [
        { type: 'Person', sourceKey: 'P-1', properties: { fullName: 'Hélène Marchand', birthDate: '1979-04-12', phones: ['06 11 22 33 44'], occupation: 'Notaire' }, markings: NP },
        { type: 'Organization', sourceKey: 'O-1', properties: { name: 'Marchand & Fils' }, markings: { level: 'S', compartments: ['op-saphir'] } },
      ],
    });
    const processed = await kit.ingest.write(ingestion, changed);
    expect(processed.objects).toEqual({ created: 0, updated: 2, unchanged: 0 });
    const after = await kit.objects.get(analyst, before!.id);
    expect(after).toMatchObject({ version: 2, properties: { occupation: { value: 'Notaire', provenance: { jobId: 'job-3' } } } });
    const history = await kit.objects.history(analyst, before!.id, undefined, 10);
    expect(history.items.map((v) => [v.version, v.change, v.changedProperties])).toEqual([
      [2, 'updated', ['occupation']],
      [1, 'created', ['birthDate', 'fullName', 'phones']],
    ]);
    // The organisation was re-marked S [op-saphir]: an NP reader no longer sees it nor the link to it.
    const np = actorOf(tenant, 'NP');
    expect(await kit.objects.count(np, { type: 'Organization', filters: [], includeDeleted: false })).toBe(0);
    expect((await kit.links.list(np, { objectId: before!.id, direction: 'out', filters: [], includeDeleted: false, limit: 10 })).items.map((l) => l.type)).toEqual(['uses']);
  });

  it('writes the batches of one pull in one transaction, each with its own report, all or nothing; publishes and clears their outbox rows', async () => {
    const one = batch({ source: 'pull-a', jobId: 'job-pull', seq: 0, objects: [{ type: 'Phone', sourceKey: 'T-9', properties: { number: '06 99 88 77 66' }, markings: NP }] });
    const two = batch({
      source: 'pull-a',
      jobId: 'job-pull',
      seq: 1,
      // The second batch sees the first one's rows (same transaction): T-9 is unchanged, its link resolves.
      objects: [
        { type: 'Phone', sourceKey: 'T-9', properties: { number: '06 99 88 77 66' }, markings: NP },
        { type: 'Person', sourceKey: 'P-9', properties: { fullName: 'Jules Verne' }, markings: NP },
      ],
      links: [{ type: 'uses', fromSourceKey: 'P-9', toSourceKey: 'T-9', markings: NP }],
    });
    const refused = batch({ source: 'pull-a', jobId: 'job-pull', seq: 2, objects: [{ type: 'Person', sourceKey: 'P-10', properties: { fullName: 'X' }, markings: NP }] });
    // A refused batch (here: a publisher without the ingest role) rolls the whole pull back.
    await expect(
      kit.ingest.writeMany([
        { actor: ingestion, batch: one },
        { actor: actorOf(tenant, 'TS', [], ['vigie-auditor']), batch: refused },
      ]),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const before = await kit.db.read((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM object WHERE tenant = ? AND source = 'pull-a'`, [tenant]));
    expect(before[0]?.n).toBe(0);

    const written = await kit.ingest.writeMany([
      { actor: ingestion, batch: one },
      { actor: ingestion, batch: two },
    ]);
    expect(written.map((w) => [w.processed.seq, w.processed.objects, w.processed.links.created])).toEqual([
      [0, { created: 1, updated: 0, unchanged: 0 }, 0],
      [1, { created: 1, updated: 0, unchanged: 1 }, 1],
    ]);
    // Each batch's messages: its changes, its object.ingest audit event, its report last.
    expect(written.map((w) => w.messages[w.messages.length - 1]?.msgId)).toEqual(['processed:job-pull:0', 'processed:job-pull:1']);
    // All the pull's messages wait in ONE outbox row (a bundle), expanded in order when taken.
    const ids = [...new Set(written.flatMap((w) => w.messages.map((m) => m.id)))];
    expect(ids).toHaveLength(1);
    const taken = await kit.db.transaction(async (sql) => {
      const messages = await new OutboxRepository().takeIds(sql, ids);
      throw Object.assign(new Error('rollback'), { messages }); // look, do not take
    }).catch((e: { messages: PendingOutboxMessage[] }) => e.messages);
    expect(taken.map((m) => m.msgId)).toEqual(written.flatMap((w) => w.messages.map((m) => m.msgId)));
    expect(taken.map((m) => m.subject)).not.toContain(OUTBOX_BUNDLE_SUBJECT);
    expect(taken.map((m) => m.subject)).not.toContain(OUTBOX_TEXT_BUNDLE_SUBJECT);
    // A bundle taken back (after a failed publish or a crash) publishes the very bytes the writer published from memory.
    expect(taken.map((m) => messageJson(m))).toEqual(written.flatMap((w) => w.messages.map((m) => messageJson(m))));
    expect(written.flatMap((w) => w.messages).every((m) => m.json === JSON.stringify(m.payload))).toBe(true);
    await kit.ingest.publishWritten(written);
    const left = await kit.db.read((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE id = ANY(?::bigint[])`, [`{${ids.join(',')}}`]));
    expect(left[0]?.n).toBe(0);
  });

  it('publishes the records as stored: each records.changed view equals the view of the row read back, created and updated', async () => {
    const person = (occupation?: string) => ({ type: 'Person', sourceKey: 'P-ev', properties: { fullName: 'Émile Zola', phones: ['06 12 34 56 78'], ...(occupation ? { occupation } : {}) }, markings: { level: 'DR' as const, compartments: ['z-op', 'a-op'] }, provenance: { line: 1, recordKey: 'r1' } });
    const phone = { type: 'Phone', sourceKey: 'T-ev', properties: { number: '06 12 34 56 78' }, markings: NP, provenance: { line: 2 } };
    const link = { type: 'uses', fromSourceKey: 'P-ev', toSourceKey: 'T-ev', markings: NP, properties: {}, validFrom: '2024-01-01', provenance: { line: 3 } };
    const check = async (b: IngestBatch, expected: { objects: number; links: number; version: number }) => {
      const [w] = await kit.ingest.writeMany([{ actor: ingestion, batch: b }]);
      await kit.ingest.publishWritten([w!]);
      const changes = w!.messages.filter((m) => m.subject === 'ontology.v1.events.records.changed').map((m) => m.payload as { objects: { object: { id: string } }[]; links: { link: { id: string } }[] });
      const objects = changes.flatMap((c) => c.objects);
      const links = changes.flatMap((c) => c.links);
      expect([objects.length, links.length]).toEqual([expected.objects, expected.links]);
      const { document } = await kit.types.current(tenant);
      for (const o of objects) {
        const [row] = await kit.db.read((sql) => sql.query<ObjectRow>(`SELECT * FROM object WHERE id = ?`, [o.object.id]));
        expect(o.object).toEqual(toObjectView(row!, document.objectTypes.find((t) => t.name === row!.type)));
        expect((o.object as unknown as { version: number }).version).toBe(expected.version);
      }
      for (const l of links) {
        const [row] = await kit.db.read((sql) => sql.query<LinkRow>(`SELECT * FROM link WHERE id = ?`, [l.link.id]));
        expect(l.link).toEqual(toLinkView(row!));
      }
      return w!;
    };
    await check(batch({ source: 'events-c', jobId: 'job-ev', objects: [person(), phone], links: [link] }), { objects: 2, links: 1, version: 1 });
    // An update: a new version with the row's first created_at, its entity and a later updated_at.
    const updated = await check(batch({ source: 'events-c', jobId: 'job-ev-2', objects: [person('Écrivain'), phone], links: [{ ...link, properties: {}, markings: { level: 'DR' as const, compartments: [] } }] }), { objects: 1, links: 1, version: 2 });
    expect(updated.processed.objects).toEqual({ created: 0, updated: 1, unchanged: 1 });
  });

  it('expands an outbox bundle written by the previous release (messages as jsonb) like a new one', async () => {
    const messages = [
      { subject: 'ontology.v1.events.records.changed', msgId: `old-a-${tenant}`, payload: { eventId: 'a', n: 1 } },
      { subject: 'audit.v1.events.object.ingest', msgId: `old-b-${tenant}`, payload: { id: 'b', details: { x: [1, 2] } } },
    ];
    const taken = await kit.db.transaction(async (sql) => {
      const [{ id }] = await sql.query<{ id: string }>(`INSERT INTO outbox (subject, msg_id, payload) VALUES (?, ?, ?::jsonb) RETURNING id::text AS id`, [OUTBOX_BUNDLE_SUBJECT, `old-bundle-${tenant}`, JSON.stringify({ tenant, messages })]);
      return new OutboxRepository().takeIds(sql, [id!]);
    });
    expect(taken.map(({ subject, msgId, payload }) => ({ subject, msgId, payload }))).toEqual(messages);
  });

  it('refuses a publisher without the ingest role', async () => {
    await expect(kit.ingest.write(actorOf(tenant, 'TS', [], ['vigie-auditor']), registry)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('recovers when events could not be published after commit: the outbox flush publishes them, the redelivered batch writes nothing twice', async () => {
    const failing = new OutboxPublisher(kit.db, {
      publishRaw: async () => {
        throw new PlatformException(PlatformErrorCode.ServiceUnavailable, ErrorKind.Unavailable, 'JetStream did not acknowledge');
      },
    } as unknown as EventPublisher);
    const flaky = new IngestService(kit.db, kit.types, failing, kit.engine);
    const fresh = batch({ source: 'flux-b', jobId: 'job-9', objects: [{ type: 'Email', sourceKey: 'E-1', properties: { address: 'Contact@Example.FR' }, markings: NP }] });
    await expect(flaky.write(ingestion, fresh)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    // The data is committed, its events wait in the outbox.
    const pending = await kit.db.read((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload ->> 'tenant' = ?`, [tenant]));
    expect(pending[0]?.n).toBeGreaterThan(0);
    // Redelivery (a working publisher): nothing new is written; the events left behind go out with
    // the next outbox flush (every 5 s in the service).
    const redelivered = await kit.ingest.write(ingestion, fresh);
    expect(redelivered.objects).toEqual({ created: 0, updated: 0, unchanged: 1 });
    await kit.outbox.flush(); // (or the running service's own flush took them first)
    const left = await kit.db.read((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE payload ->> 'tenant' = ?`, [tenant]));
    expect(left[0]?.n).toBe(0);
    const emails = await kit.objects.list(analyst, { type: 'Email', filters: [], includeDeleted: false, limit: 10 });
    expect(emails.items.map((e) => e.properties['address']?.value)).toEqual(['contact@example.fr']);
  });
});
