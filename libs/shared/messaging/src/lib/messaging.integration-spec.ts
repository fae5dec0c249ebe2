import { Controller, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { JSONCodec, NatsConnection } from 'nats';
import { z } from 'zod';
import { defineEvent, defineRequest, ErrorKind, PlatformErrorCode, VigieException } from '@vigie/shared-contracts';
import { currentTraceId } from '@vigie/shared-telemetry';
import { currentCaller } from './caller-context';
import { DurableConsumer, PoisonMessageError } from './durable-consumer';
import { EventPublisher } from './event-publisher';
import { HandleRequest } from './handle-request.decorator';
import { connectNats } from './nats-connection';
import { VigieNatsServer } from './nats-server.transport';
import { ServiceClient } from './service-client';
import { setupConsumer } from './streams';

// Runs against the real nats-server of the local stack, as the `setup` user (may use any subject).
const config = { NATS_URL: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', NATS_USER: 'setup', NATS_PASSWORD: process.env['VIGIE_NATS_PASSWORD_SETUP'] };
const run = [...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
const codec = JSONCodec<unknown>();

const echo = defineRequest({
  subject: `ontology.v1.msgtest${run}.echo`,
  description: 'echo for the messaging test',
  request: z.object({ text: z.string().min(1), failWith: z.enum(['typed', 'crash', 'slow', 'bad-reply', 'huge']).optional() }).strict(),
  response: z.object({ text: z.string(), authorization: z.string().nullable(), purpose: z.string().nullable(), traceId: z.string().nullable() }),
});
const silent = defineRequest({ subject: `ontology.v1.msgtest${run}.nobody`, description: 'no one serves it', request: z.object({}), response: z.object({}) });

@Controller()
class EchoController {
  @HandleRequest(echo)
  async echo(data: z.infer<typeof echo.request>) {
    if (data.failWith === 'typed') throw new VigieException('ECHO_REFUSED', ErrorKind.Conflict, 'echo refused', { text: data.text });
    if (data.failWith === 'crash') throw new Error('secret internal detail');
    if (data.failWith === 'slow') await new Promise((r) => setTimeout(r, 1500));
    if (data.failWith === 'bad-reply') return { text: 42 };
    if (data.failWith === 'huge') return { text: 'x'.repeat(2 * 1024 * 1024), authorization: null, purpose: null, traceId: null };
    const caller = currentCaller();
    return { text: data.text, authorization: caller?.authorization ?? null, purpose: caller?.purpose ?? null, traceId: currentTraceId() ?? null };
  }
}

describe('messaging on a real NATS server', () => {
  let app: INestMicroservice;
  let nc: NatsConnection;
  let client: ServiceClient;

  beforeAll(async () => {
    const { Module } = await import('@nestjs/common');
    @Module({ controllers: [EchoController] })
    class EchoModule {}
    app = await NestFactory.createMicroservice(EchoModule, { strategy: new VigieNatsServer(config, `msgtest-${run}`), logger: false });
    await app.listen();
    nc = await connectNats(config, 'messaging-test');
    client = new ServiceClient(nc, 1000);
  });

  afterAll(async () => {
    await app?.close();
    await nc?.drain();
  });

  it('round-trips a validated request, forwarding token, purpose and trace context', async () => {
    const reply = await client.request(echo, { text: 'bonjour' }, { authorization: 'Bearer abc', purpose: { caseRef: 'C-1', justification: 'test' } });
    expect(reply.text).toBe('bonjour');
    expect(reply.authorization).toBe('Bearer abc');
    expect(JSON.parse(reply.purpose ?? '{}')).toEqual({ caseRef: 'C-1', justification: 'test' });
  });

  it('refuses an invalid request before sending it, naming the field', async () => {
    await expect(client.request(echo, { text: '' })).rejects.toMatchObject({ code: PlatformErrorCode.ValidationFailed, message: expect.stringContaining('text') });
  });

  it('has the server validate too: a raw invalid message gets a typed VALIDATION_FAILED reply', async () => {
    const msg = await nc.request(echo.subject, codec.encode({ id: randomUUID(), pattern: echo.subject, data: { text: 5, extra: true } }), { timeout: 1000 });
    const reply = codec.decode(msg.data) as { err?: { code: string; kind: string; message: string } };
    expect(reply.err).toMatchObject({ code: PlatformErrorCode.ValidationFailed, kind: 'invalid' });
    expect(reply.err?.message).toContain('text');
  });

  it('carries a domain error with its code', async () => {
    await expect(client.request(echo, { text: 'x', failWith: 'typed' })).rejects.toMatchObject({ code: 'ECHO_REFUSED', kind: ErrorKind.Conflict, details: { text: 'x' } });
  });

  it('turns an unexpected error into INTERNAL_ERROR without leaking its message', async () => {
    const error = await client.request(echo, { text: 'x', failWith: 'crash' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: PlatformErrorCode.Internal });
    expect(JSON.stringify(error)).not.toContain('secret internal detail');
  });

  it('refuses a reply that breaks the contract', async () => {
    await expect(client.request(echo, { text: 'x', failWith: 'bad-reply' })).rejects.toMatchObject({ code: PlatformErrorCode.Internal });
  });

  it('answers RESPONSE_TOO_LARGE when a reply exceeds the maximum payload, and keeps serving', async () => {
    const error = await client.request(echo, { text: 'x', failWith: 'huge' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: PlatformErrorCode.ResponseTooLarge, kind: ErrorKind.TooLarge, message: expect.stringContaining(echo.subject) });
    await expect(client.request(echo, { text: 'still here' })).resolves.toMatchObject({ text: 'still here' });
  });

  it('fails fast with SERVICE_UNAVAILABLE when nobody serves the subject', async () => {
    const started = Date.now();
    await expect(client.request(silent, {})).rejects.toMatchObject({ code: PlatformErrorCode.ServiceUnavailable, kind: ErrorKind.Unavailable });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('times out with SERVICE_TIMEOUT', async () => {
    await expect(client.request(echo, { text: 'x', failWith: 'slow' }, { timeoutMs: 300 })).rejects.toMatchObject({ code: PlatformErrorCode.ServiceTimeout, kind: ErrorKind.Timeout });
  });
});

describe('JetStream publishing and durable consumers', () => {
  let nc: NatsConnection;
  const subject = `msgtest${run}.v1.deadletter.events`;
  const deadLetterSubject = `msgtest${run}.v1.deadletter.poison`;
  const event = defineEvent({ subject: `msgtest${run}.v1.events.thing.happened`, stream: 'DEADLETTER', description: 'test', payload: z.object({ n: z.number().int() }) });
  const logger = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    nc = await connectNats(config, 'messaging-js-test');
  });
  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    for (const durable of [`msgtest-${run}`, `msgtest-${run}-dlq`]) await jsm.consumers.delete('DEADLETTER', durable).catch(() => undefined);
    await nc.drain();
  });

  it('deduplicates a retried publish by Nats-Msg-Id', async () => {
    const publisher = new EventPublisher(nc, 2000);
    const id = `dedupe-${run}`;
    const first = await publisher.publish(event, { n: 1 }, id, { subject });
    const second = await publisher.publish(event, { n: 1 }, id, { subject });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
  });

  it('refuses an invalid event before publishing', async () => {
    const publisher = new EventPublisher(nc, 2000);
    await expect(publisher.publish(event, { n: 1.5 }, `bad-${run}`, { subject })).rejects.toMatchObject({ code: PlatformErrorCode.ValidationFailed });
  });

  it('acks handled messages, redelivers after a transient failure, and dead-letters poison with its reason', async () => {
    const jsm = await nc.jetstreamManager();
    await setupConsumer(jsm, { stream: 'DEADLETTER', durable: `msgtest-${run}`, filterSubject: subject, backoffMs: [200, 200, 200], maxDeliver: 3 });
    await setupConsumer(jsm, { stream: 'DEADLETTER', durable: `msgtest-${run}-dlq`, filterSubject: deadLetterSubject });
    const publisher = new EventPublisher(nc, 2000);
    for (const n of [10, 11, 12]) await publisher.publish(event, { n }, `consume-${run}-${n}`, { subject });
    await publisher.publishRaw(subject, codec.encode({ n: 'not a number' }), `consume-${run}-invalid`);

    const seen: number[] = [];
    let failedOnce = false;
    const consumer = new DurableConsumer(nc, {
      stream: 'DEADLETTER',
      durable: `msgtest-${run}`,
      filterSubject: subject,
      backoffMs: [200, 200, 200],
      maxDeliver: 3,
      contract: event,
      deadLetterSubject,
      batchSize: 10,
      logger,
      handleBatch: async (items) => {
        if (items.some((i) => i.payload.n === 11) && !failedOnce) {
          failedOnce = true;
          throw new Error('database briefly unavailable');
        }
        if (items.some((i) => i.payload.n === 12)) throw new PoisonMessageError('n=12 can never be written');
        for (const i of items) seen.push(i.payload.n);
      },
    });
    consumer.start();
    const deadline = Date.now() + 10000;
    while (!(seen.includes(10) && seen.includes(11)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();
    expect(seen.filter((n) => n === 10)).toHaveLength(1);
    expect(seen).toContain(11);
    expect(failedOnce).toBe(true);

    const dlq = await nc.jetstream().consumers.get('DEADLETTER', `msgtest-${run}-dlq`);
    const reasons: string[] = [];
    const batch = await dlq.fetch({ max_messages: 10, expires: 2000 });
    for await (const m of batch) {
      reasons.push(m.headers?.get('x-dead-letter-reason') ?? '');
      m.ack();
    }
    expect(reasons).toEqual(expect.arrayContaining([expect.stringContaining('n=12 can never be written'), expect.stringContaining('does not match')]));
    const info = await jsm.consumers.info('DEADLETTER', `msgtest-${run}`);
    expect(info.num_pending + info.num_ack_pending).toBe(0);
  }, 30_000);
});
