import { randomBytes } from 'node:crypto';
import { NatsConnection } from 'nats';
import { z } from 'zod';
import { defineEvent } from '@vigie/shared-contracts';
import { ConsumerHold, DurableConsumer } from './durable-consumer';
import { EventPublisher } from './event-publisher';
import { connectNats } from './nats-connection';
import { setupConsumer } from './streams';

// Holding at an unknown subject (rolling upgrade, ADR 0015) against the real nats-server of the
// local stack, as the `setup` user, on throw-away subjects of the DEADLETTER stream (purged after).
const config = { NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', NATS_USER: 'setup', NATS_PASSWORD: process.env['VIGIE_NATS_PASSWORD_SETUP'] };
const run = [...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

describe('DurableConsumer holding at a subject it does not know', () => {
  let nc: NatsConnection;
  const prefix = `dchold${run}.v1.deadletter`;
  const knownSubject = `${prefix}.events.known`;
  const newerSubject = `${prefix}.events.newer`;
  const deadLetterSubject = `${prefix}.poison`;
  const durable = `dchold-${run}`;
  const declaration = { stream: 'DEADLETTER' as const, durable, filterSubject: `${prefix}.events.>`, maxDeliver: 2, redeliverForever: true };
  const event = defineEvent({ subject: `dchold${run}.v1.events.thing.happened`, stream: 'DEADLETTER', description: 'test', payload: z.object({ n: z.number().int() }) });

  beforeAll(async () => {
    nc = await connectNats(config, 'durable-consumer-hold-test');
    await setupConsumer(await nc.jetstreamManager(), declaration);
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.consumers.delete('DEADLETTER', durable).catch(() => undefined);
    await jsm.streams.purge('DEADLETTER', { filter: `${prefix}.>` }).catch(() => undefined);
    await nc.drain();
  });

  function replica(knownSubjects: string[], seen: number[], warnings: { obj: object; msg: string }[], holds: (ConsumerHold | undefined)[] = []) {
    return new DurableConsumer(nc, {
      ...declaration,
      contract: event,
      deadLetterSubject,
      batchSize: 10,
      backoffMs: [200],
      knownSubjects,
      holdDelayMs: 300,
      upgradeHint: 'upgrade analytics',
      onHold: (h) => holds.push(h),
      logger: { warn: (obj, msg) => warnings.push({ obj, msg }), error: () => undefined },
      handleBatch: async (items) => {
        seen.push(...items.map((i) => i.payload.n));
      },
    });
  }

  async function until(done: () => boolean, ms = 10000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async function deadLetters(): Promise<number> {
    const info = await (await nc.jetstreamManager()).streams.info('DEADLETTER', { subjects_filter: deadLetterSubject });
    return info.state.subjects?.[deadLetterSubject] ?? 0;
  }

  it('declares an unlimited server max_deliver so that a hold never runs out of deliveries', async () => {
    const info = await (await nc.jetstreamManager()).consumers.info('DEADLETTER', durable);
    expect(info.config.max_deliver).toBe(-1);
  });

  it('neither acks nor dead-letters a newer subject nor anything after it; the upgraded replica applies them in order', async () => {
    const publisher = new EventPublisher(nc, 2000);
    const seqs: number[] = [];
    for (const [n, subject] of [[1, knownSubject], [2, newerSubject], [3, knownSubject], [4, knownSubject]] as const) {
      seqs.push((await publisher.publish(event, { n }, `dch-${run}-${n}`, { subject })).seq);
    }
    const seenOld: number[] = [];
    const warnings: { obj: object; msg: string }[] = [];
    const holds: (ConsumerHold | undefined)[] = [];
    const old = replica([knownSubject], seenOld, warnings, holds);
    old.start();
    // Held well beyond the declared maxDeliver (2): offered back at least 3 times.
    await until(() => (old.held()?.offeredBack ?? 0) >= 3);
    const held = old.held();
    await old.stop();
    expect(seenOld).toEqual([1]);
    expect(held).toMatchObject({ subject: newerSubject, seq: seqs[1] });
    expect(held?.offeredBack).toBeGreaterThanOrEqual(3);
    expect(holds[0]).toMatchObject({ subject: newerSubject, seq: seqs[1] });
    const warning = warnings.find((w) => w.msg.includes(newerSubject));
    expect(warning?.msg).toContain('upgrade analytics');
    expect(warning?.obj).toMatchObject({ subject: newerSubject, seq: seqs[1], durable });
    const info = await (await nc.jetstreamManager()).consumers.info('DEADLETTER', durable);
    expect(info.ack_floor.stream_seq).toBe(seqs[0]);
    expect(info.num_ack_pending + info.num_pending).toBe(3);
    expect(await deadLetters()).toBe(0);

    const seenNew: number[] = [];
    const upgraded = replica([knownSubject, newerSubject], seenNew, []);
    upgraded.start();
    await until(() => seenNew.length >= 3);
    await upgraded.stop();
    expect(seenNew).toEqual([2, 3, 4]);
    const after = await (await nc.jetstreamManager()).consumers.info('DEADLETTER', durable);
    expect(after.ack_floor.stream_seq).toBe(seqs[3]);
    expect(after.num_ack_pending + after.num_pending).toBe(0);
    expect(await deadLetters()).toBe(0);
  }, 30_000);

  it('ends the hold when a replica that knows the subject acknowledges it, both running', async () => {
    const publisher = new EventPublisher(nc, 2000);
    await publisher.publish(event, { n: 10 }, `dch-${run}-10`, { subject: newerSubject });
    const seenOld: number[] = [];
    const warnings: { obj: object; msg: string }[] = [];
    const old = replica([knownSubject], seenOld, warnings);
    old.start();
    await until(() => old.held() !== undefined);
    expect(old.held()?.subject).toBe(newerSubject);
    const seenNew: number[] = [];
    const upgraded = replica([knownSubject, newerSubject], seenNew, []);
    upgraded.start();
    await until(() => seenNew.includes(10) && old.held() === undefined);
    await publisher.publish(event, { n: 11 }, `dch-${run}-11`, { subject: knownSubject });
    await until(() => [...seenOld, ...seenNew].includes(11));
    await Promise.all([old.stop(), upgraded.stop()]);
    expect(seenNew).toContain(10);
    expect(seenOld).not.toContain(10);
    expect(old.held()).toBeUndefined();
    expect(warnings.some((w) => w.msg.includes(`hold on ${newerSubject} ended`))).toBe(true);
    expect([...seenOld, ...seenNew].filter((n) => n === 11)).toEqual([11]);
  }, 30_000);

  it('still dead-letters a known subject whose payload breaks the contract, with the reason', async () => {
    const publisher = new EventPublisher(nc, 2000);
    // Published raw: the publisher would refuse the broken payload itself.
    await (nc.jetstream()).publish(knownSubject, new TextEncoder().encode(JSON.stringify({ n: 'not a number' })), { msgID: `dch-${run}-broken` });
    await publisher.publish(event, { n: 20 }, `dch-${run}-20`, { subject: knownSubject });
    const seen: number[] = [];
    const c = replica([knownSubject], seen, []);
    c.start();
    await until(() => seen.includes(20));
    await c.stop();
    expect(c.held()).toBeUndefined();
    expect(await deadLetters()).toBe(1);
    const dead = await (await nc.jetstreamManager()).streams.getMessage('DEADLETTER', { last_by_subj: deadLetterSubject });
    expect(dead.header.get('x-dead-letter-reason')).toContain('payload does not match');
    expect(dead.header.get('x-dead-letter-subject')).toBe(knownSubject);
  }, 20_000);
});
