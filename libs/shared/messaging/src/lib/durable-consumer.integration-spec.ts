import { randomBytes } from 'node:crypto';
import { NatsConnection } from 'nats';
import { z } from 'zod';
import { defineEvent } from '@vigie/shared-contracts';
import { DurableConsumer, PoisonMessageError } from './durable-consumer';
import { EventPublisher } from './event-publisher';
import { connectNats } from './nats-connection';
import { setupConsumer } from './streams';

// Batch acknowledgement (`ackMode: 'batch'`) against the real nats-server of the local stack, as
// the `setup` user, on throw-away subjects of the DEADLETTER stream.
const config = { NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', NATS_USER: 'setup', NATS_PASSWORD: process.env['VIGIE_NATS_PASSWORD_SETUP'] };
const run = [...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

describe('DurableConsumer with batch acknowledgement', () => {
  let nc: NatsConnection;
  const subject = `dctest${run}.v1.deadletter.events`;
  const deadLetterSubject = `dctest${run}.v1.deadletter.poison`;
  const durable = `dctest-${run}`;
  const event = defineEvent({ subject: `dctest${run}.v1.events.thing.happened`, stream: 'DEADLETTER', description: 'test', payload: z.object({ n: z.number().int() }) });
  const logger = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    nc = await connectNats(config, 'durable-consumer-test');
    await setupConsumer(await nc.jetstreamManager(), { stream: 'DEADLETTER', durable, filterSubject: subject, maxDeliver: 3 });
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete('DEADLETTER', durable).catch(() => undefined);
    await nc.drain();
  });

  const consumer = (handleBatch: (ns: number[]) => Promise<void>) =>
    new DurableConsumer(nc, {
      stream: 'DEADLETTER',
      durable,
      filterSubject: subject,
      maxDeliver: 3,
      backoffMs: [200],
      contract: event,
      deadLetterSubject,
      batchSize: 25,
      ackMode: 'batch',
      logger,
      handleBatch: (items) => handleBatch(items.map((i) => i.payload.n)),
    });

  async function until(done: () => boolean, ms = 10000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  it('acks every message of a handled batch once, with nothing left pending or redelivered', async () => {
    const publisher = new EventPublisher(nc, 2000);
    await Promise.all(Array.from({ length: 100 }, (_, n) => publisher.publish(event, { n }, `dc-${run}-${n}`, { subject })));
    const seen: number[] = [];
    const batches: number[] = [];
    const c = consumer(async (ns) => {
      batches.push(ns.length);
      seen.push(...ns);
    });
    c.start();
    await until(() => seen.length >= 100);
    await c.stop();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(Math.max(...batches)).toBe(25);
    const info = await (await nc.jetstreamManager()).consumers.info('DEADLETTER', durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_pending).toBe(0);
  }, 20_000);

  it('still naks a failed batch (redelivered) and isolates a poison message', async () => {
    const publisher = new EventPublisher(nc, 2000);
    for (const n of [1000, 1001, 1002]) await publisher.publish(event, { n }, `dc-${run}-${n}`, { subject });
    const seen: number[] = [];
    let failedOnce = false;
    const c = consumer(async (ns) => {
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('database briefly unavailable');
      }
      if (ns.includes(1001)) throw new PoisonMessageError('1001 can never be stored');
      seen.push(...ns);
    });
    c.start();
    await until(() => seen.includes(1000) && seen.includes(1002));
    await c.stop();
    expect(failedOnce).toBe(true);
    expect([...seen].sort()).toEqual([1000, 1002]);
    const info = await (await nc.jetstreamManager()).consumers.info('DEADLETTER', durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  }, 20_000);
});

describe('DurableConsumer with pulls bounded by bytes', () => {
  let nc: NatsConnection;
  const subject = `dcbytes${run}.v1.deadletter.events`;
  const durable = `dcbytes-${run}`;
  const event = defineEvent({ subject: `dcbytes${run}.v1.events.page.written`, stream: 'DEADLETTER', description: 'test', payload: z.object({ n: z.number().int(), pad: z.string() }) });

  beforeAll(async () => {
    nc = await connectNats(config, 'durable-consumer-bytes-test');
    await setupConsumer(await nc.jetstreamManager(), { stream: 'DEADLETTER', durable, filterSubject: subject, maxDeliver: 3 });
  });
  afterAll(async () => {
    await (await nc.jetstreamManager()).consumers.delete('DEADLETTER', durable).catch(() => undefined);
    await nc.drain();
  });

  it('hands every message over in pulls of at most maxBytes', async () => {
    const publisher = new EventPublisher(nc, 2000);
    const pad = 'x'.repeat(1000);
    await Promise.all(Array.from({ length: 40 }, (_, n) => publisher.publish(event, { n, pad }, `dcb-${run}-${n}`, { subject })));
    const seen: number[] = [];
    const batches: number[] = [];
    const c = new DurableConsumer(nc, {
      stream: 'DEADLETTER',
      durable,
      filterSubject: subject,
      maxDeliver: 3,
      backoffMs: [200],
      contract: event,
      deadLetterSubject: `dcbytes${run}.v1.deadletter.poison`,
      maxBytes: 8 * 1024,
      ackMode: 'batch',
      logger: { warn: () => undefined, error: () => undefined },
      handleBatch: async (items) => {
        batches.push(items.length);
        seen.push(...items.map((i) => i.payload.n));
      },
    });
    c.start();
    const deadline = Date.now() + 15000;
    while (seen.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await c.stop();
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    // ~1 KiB messages, 8 KiB pulls: never the whole backlog at once.
    expect(Math.max(...batches)).toBeLessThanOrEqual(8);
    expect(batches.length).toBeGreaterThanOrEqual(5);
  }, 25_000);
});
