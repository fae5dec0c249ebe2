import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, JSONCodec, NatsConnection } from 'nats';
import { BatchProcessedPayload, batchMessageId, ingestBatchSubmitted, IngestBatchInput, ObjectView, VersionSummary } from '@vigie/ontology-contracts';
import { call, eventually, everyMatch, ingestionConnection, runSuffix, setupConnection, tokenOf } from './ontology-test.helpers';

/**
 * The running ontology service's INGEST consumer (`ontology-writer`): batches published by the
 * ingestion NATS user with the publisher's token, written once whatever the redeliveries and
 * re-publications, records refused reported on ONTOLOGY for quarantine, batches without a valid
 * token dead-lettered with the reason.
 */
const codec = JSONCodec<unknown>();
/** INGEST is one work queue shared with every other suite's jobs: ours may wait behind theirs. */
const QUEUE_WAIT_MS = 150_000;
const sfx = runSuffix();
/**
 * Lists read only what this run wrote (a listing reads a bounded number of objects per page: the
 * shared tenant is large): its batches are published after the suite starts, so from a moment
 * before it, not a minute — other suites' imports meanwhile would put a bounded scan's worth of
 * people before ours.
 */
const since = encodeURIComponent(new Date(Date.now() - 2_000).toISOString());
const NP = { level: 'NP' as const, compartments: [] as string[] };
const reader = { user: 'alpha-ts' };
let ingestion: NatsConnection;
let setup: NatsConnection;

const jobId = `job-${sfx}`;
const batch = (seq: number, objects: IngestBatchInput['objects'], links: IngestBatchInput['links'] = []): IngestBatchInput => ({
  batchId: `${jobId}-${seq}`,
  jobId,
  source: `registre-${sfx}`,
  seq,
  last: false,
  objects,
  links,
});

async function publish(payload: IngestBatchInput, msgId: string, authorization?: string): Promise<void> {
  const h = natsHeaders();
  if (authorization) h.set('authorization', authorization);
  h.set('Nats-Msg-Id', msgId);
  await ingestion.jetstream().publish(ingestBatchSubmitted.subject, codec.encode(payload), { msgID: msgId, headers: h });
}

async function people(): Promise<ObjectView[]> {
  const filters = encodeURIComponent(JSON.stringify([{ property: 'fullName', op: 'contains', value: sfx }]));
  return everyMatch<ObjectView>(`/objects?type=Person&updatedSince=${since}&filters=${filters}`, reader);
}

/** Events of one subject on a stream, read with an ordered consumer from the start. */
async function streamMessages<T>(stream: string, subject: string, match: (payload: T) => boolean): Promise<{ payload: T; headers: Record<string, string> }[]> {
  const consumer = await setup.jetstream().consumers.get(stream, { filterSubjects: subject });
  const out: { payload: T; headers: Record<string, string> }[] = [];
  const messages = await consumer.fetch({ max_messages: 10_000, expires: 2000 });
  for await (const m of messages) {
    const payload = codec.decode(m.data) as T;
    if (match(payload)) out.push({ payload, headers: Object.fromEntries([...(m.headers?.keys() ?? [])].map((k) => [k, m.headers?.get(k) ?? ''])) });
    if (m.info.pending === 0) break;
  }
  return out;
}

beforeAll(async () => {
  ingestion = await ingestionConnection();
  setup = await setupConnection();
});
afterAll(async () => {
  await ingestion?.drain();
  await setup?.drain();
});

describe('INGEST consumer of the running ontology service', () => {
  const first = batch(0, [
    { type: 'Person', sourceKey: 'p1', properties: { fullName: `Bastien Roux ${sfx}`, phones: ['06 98 76 54 32'] }, markings: NP, provenance: { line: 1 } },
    { type: 'Phone', sourceKey: 't1', properties: { number: '06 98 76 54 32' }, markings: NP, provenance: { line: 2 } },
    { type: 'Phone', sourceKey: 't2', properties: { number: 'pas un numéro' }, markings: NP, provenance: { line: 3, recordKey: 'rec-3' } },
  ], [{ type: 'uses', fromSourceKey: 'p1', toSourceKey: 't1', markings: NP, provenance: { line: 4 } }]);

  it('writes a batch under the tenant of the publisher token and reports refused records for quarantine', async () => {
    await publish(first, batchMessageId({ jobId, seq: 0 }), `Bearer ${await tokenOf('alpha', 'alpha-ingest')}`);
    const [person] = await eventually(people, (list) => list.length === 1, QUEUE_WAIT_MS);
    expect(person).toMatchObject({ version: 1, provenance: { source: `registre-${sfx}`, jobId, line: 1 }, properties: { phones: { value: ['+33698765432'] } } });
    const links = await call<{ items: { type: string }[] }>('GET', `/links?objectId=${person!.id}`, reader);
    expect(links.body.items.map((l) => l.type)).toEqual(['uses']);
    const processed = await eventually(
      () => streamMessages<BatchProcessedPayload>('ONTOLOGY', 'ontology.v1.events.batch.processed', (p) => p.jobId === jobId && p.seq === 0),
      (list) => list.length > 0,
      QUEUE_WAIT_MS,
    );
    expect(processed[0]!.payload).toMatchObject({ tenant: 'alpha', objects: { created: 2, updated: 0, unchanged: 0 }, links: { created: 1 } });
    expect(processed[0]!.payload.rejected).toEqual([expect.objectContaining({ kind: 'object', sourceKey: 't2', code: 'INVALID_IDENTIFIER', line: 3, recordKey: 'rec-3' })]);
    expect(processed[0]!.headers['Nats-Msg-Id']).toBe(`processed:${jobId}:0`);
    // The bravo tenant sees nothing of it.
    const filters = encodeURIComponent(JSON.stringify([{ property: 'fullName', op: 'contains', value: sfx }]));
    expect(await everyMatch<ObjectView>(`/objects?type=Person&updatedSince=${since}&filters=${filters}`, { user: 'bravo-ts' })).toEqual([]);
  });

  it('the same batch published again under other message ids writes nothing new (no duplicate, no version)', async () => {
    const token = `Bearer ${await tokenOf('alpha', 'alpha-ingest')}`;
    await publish({ ...first, batchId: `${jobId}-again` }, `again-${randomUUID()}`, token);
    await publish({ ...first, jobId: `${jobId}-rerun`, batchId: `${jobId}-rerun-0` }, `rerun-${randomUUID()}`, token);
    await eventually(
      () => streamMessages<BatchProcessedPayload>('ONTOLOGY', 'ontology.v1.events.batch.processed', (p) => p.jobId === `${jobId}-rerun`),
      (list) => list.length > 0,
      QUEUE_WAIT_MS,
    );
    const list = await people();
    expect(list).toHaveLength(1);
    const history = await call<{ items: VersionSummary[] }>('GET', `/objects/${list[0]!.id}/history`, reader);
    expect(history.body.items).toHaveLength(1);
    const rerun = await streamMessages<BatchProcessedPayload>('ONTOLOGY', 'ontology.v1.events.batch.processed', (p) => p.jobId === `${jobId}-rerun`);
    expect(rerun[0]!.payload.objects).toEqual({ created: 0, updated: 0, unchanged: 2 });
  });

  it('dead-letters a batch without a valid token, with the reason, and writes none of it', async () => {
    const msgId = `forged-${randomUUID()}`;
    const forged = batch(5, [{ type: 'Person', sourceKey: 'p-forged', properties: { fullName: `Faussaire ${sfx}` }, markings: NP }]);
    await publish(forged, msgId, 'Bearer not.a.token');
    const dead = await eventually(
      () => streamMessages<IngestBatchInput>('DEADLETTER', 'ontology.v1.deadletter.ingest', (p) => p.batchId === forged.batchId),
      (list) => list.length > 0,
      QUEUE_WAIT_MS,
    );
    expect(dead[0]!.headers['x-dead-letter-reason']).toMatch(/batch refused/);
    expect((await people()).map((p) => p.title)).not.toContain(`Faussaire ${sfx}`);
  });

  it('dead-letters a batch holding a marking above its uploader\'s clearance, naming it, and writes none of it; a batch within it is written', async () => {
    const token = `Bearer ${await tokenOf('alpha', 'alpha-ingest')}`;
    const uploader = { subject: 'alpha-dr', clearance: 'DR' as const, compartments: [] as string[] };
    const above = {
      ...batch(6, [
        { type: 'Person', sourceKey: 'p-dr', properties: { fullName: `Agathe Dr ${sfx}` }, markings: { level: 'DR', compartments: [] } },
        { type: 'Person', sourceKey: 'p-s', properties: { fullName: `Secret ${sfx}` }, markings: { level: 'S', compartments: [] } },
      ]),
      uploader,
    };
    await publish(above, `above-${randomUUID()}`, token);
    const within = { ...batch(7, [{ type: 'Person', sourceKey: 'p-dr2', properties: { fullName: `Basile Dr ${sfx}` }, markings: { level: 'DR', compartments: [] } }]), uploader };
    await publish(within, `within-${randomUUID()}`, token);
    const dead = await eventually(
      () => streamMessages<IngestBatchInput>('DEADLETTER', 'ontology.v1.deadletter.ingest', (p) => p.batchId === above.batchId),
      (list) => list.length > 0,
      QUEUE_WAIT_MS,
    );
    expect(dead[0]!.headers['x-dead-letter-reason']).toMatch(/ONTOLOGY_MARKING_ABOVE_CLEARANCE/);
    expect(dead[0]!.headers['x-dead-letter-reason']).toContain('object p-s (markings): level S above clearance DR');
    const names = await eventually(async () => (await people()).map((p) => String(p.properties['fullName']?.value)), (list) => list.includes(`Basile Dr ${sfx}`), QUEUE_WAIT_MS);
    expect(names).not.toContain(`Agathe Dr ${sfx}`);
    expect(names).not.toContain(`Secret ${sfx}`);
  });
});
