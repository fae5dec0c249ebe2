import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { z } from 'zod';
import { ANALYTICS_DEADLETTER_ONTOLOGY, ANALYTICS_PROJECTOR_DURABLE } from '@vigie/analytics-contracts';
import { ONTOLOGY_STREAM, RecordsChangedPayload, recordsChanged } from '@vigie/ontology-contracts';
import { EventContract } from '@vigie/shared-contracts';
import { ConsumerHold, DurableConsumer, setupConsumer, setupStreams } from '@vigie/shared-messaging';
import { freePort } from '@vigie/shared-testing';
import type { AnalyticsFeatureConfig } from './analytics-feature.config';
import { ANALYTICS_PROJECTOR_CONSUMER, ontologyProjectorConsumerOptions, PROJECTOR_KNOWN_SUBJECTS } from './ontology-projector.service';
import { ProjectionLagMonitor } from './projection-lag.monitor';

// The projector's own consumer (subjects, hold, poison) against a real nats-server with JetStream,
// started privately for this suite: a subject no analytics knows must never reach the shared
// stack's ONTOLOGY stream, where the running projector would hold on it (ADR 0015).
const codec = JSONCodec<unknown>();
const NEWER_SUBJECT = 'ontology.v1.events.relation.reified';
const newerPayload = z.object({ eventId: z.string(), reified: z.string() });

function page(n: number): RecordsChangedPayload {
  return recordsChanged.payload.parse({
    eventId: `page-${n}`,
    tenant: 'holdtest',
    occurredAt: new Date(Date.UTC(2026, 10, 28, 0, 0, n)).toISOString(),
    actor: { subject: 'svc-ontology', kind: 'service' },
    objects: [],
    links: [],
  });
}

describe('OntologyProjector consumer at an event subject it does not know', () => {
  let server: ChildProcess;
  let dir: string;
  let nc: NatsConnection;
  const seqs = new Map<string, number>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigie-hold-nats-'));
    const port = await freePort();
    server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
    let spawnError: Error | undefined;
    server.on('error', (error) => (spawnError = error));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (spawnError) throw new Error(`cannot start nats-server (npm run stack:up installs it): ${spawnError.message}`);
      try {
        nc = await connect({ servers: `nats://127.0.0.1:${port}`, name: 'projector-hold-test' });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const jsm = await nc.jetstreamManager();
    await setupStreams(jsm, { replicas: 1 });
    await setupConsumer(jsm, ANALYTICS_PROJECTOR_CONSUMER);
  }, 20_000);

  afterAll(async () => {
    await nc?.close();
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  async function publish(key: string, subject: string, payload: unknown): Promise<void> {
    const ack = await nc.jetstream().publish(subject, codec.encode(payload), { msgID: key });
    seqs.set(key, ack.seq);
  }

  function projector(knownExtra: string[], applied: string[], warnings: string[], onHold: (h: ConsumerHold | undefined) => void = () => undefined): DurableConsumer<EventContract> {
    const options = ontologyProjectorConsumerOptions({
      batchSize: 50,
      holdDelayMs: 200,
      logger: { warn: (_obj, msg) => warnings.push(msg), error: (_obj, msg) => warnings.push(`error: ${msg}`) },
      onHold,
      handleBatch: async (items) => {
        applied.push(...items.map((i) => (i.payload as { eventId: string }).eventId));
      },
    });
    if (!knownExtra.length) return new DurableConsumer(nc, options);
    // The upgraded replica: the same consumer, knowing the newer subject and its payload too.
    const contract = { ...options.contract, payload: options.contract.payload.or(newerPayload) };
    return new DurableConsumer(nc, { ...options, contract, knownSubjects: [...(options.knownSubjects ?? []), ...knownExtra] });
  }

  async function until(done: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async function deadLetters(): Promise<number> {
    const info = await (await nc.jetstreamManager()).streams.info('DEADLETTER', { subjects_filter: ANALYTICS_DEADLETTER_ONTOLOGY });
    return info.state.subjects?.[ANALYTICS_DEADLETTER_ONTOLOGY] ?? 0;
  }

  it('knows every subject the ontology publishes today and is declared with unlimited server redelivery', async () => {
    expect(PROJECTOR_KNOWN_SUBJECTS).toEqual(expect.arrayContaining([recordsChanged.subject, 'ontology.v1.events.object.changed', 'ontology.v1.events.entity.unmerged']));
    expect(PROJECTOR_KNOWN_SUBJECTS).not.toContain(NEWER_SUBJECT);
    const info = await (await nc.jetstreamManager()).consumers.info(ONTOLOGY_STREAM, ANALYTICS_PROJECTOR_DURABLE);
    expect(info.config.max_deliver).toBe(-1);
  });

  it('holds at a newer subject (nothing acked past it, nothing dead-lettered, warned, lag visible); the upgraded replica applies all in order', async () => {
    await publish('page-1', recordsChanged.subject, page(1));
    await publish('newer-2', NEWER_SUBJECT, { eventId: 'newer-2', reified: 'what a newer ontology says' });
    await publish('page-3', recordsChanged.subject, page(3));
    await publish('page-4', recordsChanged.subject, page(4));

    const applied: string[] = [];
    const warnings: string[] = [];
    const lag = new ProjectionLagMonitor(nc, { REQUEST_TIMEOUT_MS: 2000, PROJECTION_LAG_POLL_MS: 60_000 } as AnalyticsFeatureConfig);
    const old = projector([], applied, warnings, (h) => lag.held(h));
    old.start();
    // Offered back more often than the poison bound (8) would allow a failing message.
    await until(() => (old.held()?.offeredBack ?? 0) >= 9, 20_000);
    const health = await lag.check();
    const status = await lag.status();
    const held = old.held();
    await old.stop();

    expect(applied).toEqual(['page-1']);
    expect(held).toMatchObject({ subject: NEWER_SUBJECT, seq: seqs.get('newer-2') });
    expect(held?.offeredBack).toBeGreaterThanOrEqual(9);
    expect(warnings.some((w) => w.includes(NEWER_SUBJECT) && w.includes('upgrade analytics'))).toBe(true);
    expect(status.heldBy).toMatchObject({ subject: NEWER_SUBJECT, seq: seqs.get('newer-2') });
    expect(status.ackFloor).toBe(seqs.get('page-1'));
    expect(status.lagMessages).toBe(3);
    expect(health.status).toBe('up');
    expect(health.version).toContain(`unknown event subject ${NEWER_SUBJECT}`);
    expect(health.version).toContain('upgrade analytics');
    expect(await deadLetters()).toBe(0);

    const upgradedApplied: string[] = [];
    const upgraded = projector([NEWER_SUBJECT], upgradedApplied, []);
    upgraded.start();
    await until(() => upgradedApplied.length >= 3);
    await upgraded.stop();
    expect(upgradedApplied).toEqual(['newer-2', 'page-3', 'page-4']);
    const after = await lag.measure();
    expect(after.ackFloor).toBe(seqs.get('page-4'));
    expect(after.lagMessages).toBe(0);
    expect(await deadLetters()).toBe(0);
  }, 40_000);

  it('still dead-letters a known subject whose payload breaks its contract, with the reason', async () => {
    await publish('broken-5', recordsChanged.subject, { eventId: 'broken-5', tenant: 'holdtest', objects: 'not a list' });
    await publish('page-6', recordsChanged.subject, page(6));
    const applied: string[] = [];
    const warnings: string[] = [];
    const c = projector([], applied, warnings);
    c.start();
    await until(() => applied.includes('page-6'));
    await c.stop();
    expect(applied).toEqual(['page-6']);
    expect(c.held()).toBeUndefined();
    expect(await deadLetters()).toBe(1);
    const dead = await (await nc.jetstreamManager()).streams.getMessage('DEADLETTER', { last_by_subj: ANALYTICS_DEADLETTER_ONTOLOGY });
    expect(dead.header.get('x-dead-letter-reason')).toContain('payload does not match');
    expect(dead.header.get('x-dead-letter-subject')).toBe(recordsChanged.subject);
  }, 20_000);
});
