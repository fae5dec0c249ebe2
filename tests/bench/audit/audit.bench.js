#!/usr/bin/env node
// Audit benchmark (JSON on stdout). Needs the local stack and the running audit service.
//   node tests/bench/audit/audit.bench.js [--events N] [--reads N]
// 1. Sustained append throughput through the real pipeline — services publish to the AUDIT
//    stream (awaiting acks), the audit service chains (SHA-256), signs checkpoints (Ed25519, every
//    AUDIT_CHECKPOINT_EVERY records) and INSERTs — beside two baselines measured in the same run:
//    the raw JetStream publish rate of the same events, and the raw multi-row INSERT rate of the
//    same rows into a copy of the records table (same indexes) without chaining, locking or signing.
//    Also the in-process writer alone (chaining + signing + INSERT, no NATS), and the durable
//    consumer alone (pull + validate + ack, no writing) on a throw-away durable replaying the same
//    events, with one ackAck per message (`each`) and with one flushed ack per batch (`batch`, what
//    the audit writer uses).
// 2. Added latency of an audited read (fail-closed: the read's result is returned only after the
//    audit event is acknowledged by JetStream) versus the same read with audit disabled, p50/p95.
'use strict';
require('../lib/register-ts');
const { randomUUID } = require('node:crypto');
const os = require('node:os');
const { Pool } = require('pg');
const launcher = require('../../../scripts/lib/services.cjs');
const { appendEvents, genesisHead } = require('@vigie/audit-chain');
const { AuditStore, AuditTx } = require('@vigie/audit-data-access');
const { AuditWriter, loadAuditKeys } = require('@vigie/audit-feature');
const { AuditRecorder } = require('@vigie/shared-audit-client');
const { DeliverPolicy } = require('nats');
const { auditEventContractFor } = require('@vigie/audit-contracts');
const { connectNats, consumerConfig, DurableConsumer, EventPublisher } = require('@vigie/shared-messaging');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const EVENTS = opt('events', 20000);
const READS = opt('reads', 2000);
const IN_FLIGHT = 256;
const BATCH = 500;

const stack = launcher.loadStackEnv();
const auditEnv = launcher.serviceEnv('audit', stack);
const keys = loadAuditKeys(auditEnv.AUDIT_SIGNING_KEY);
const CHECKPOINT_EVERY = Number(auditEnv.AUDIT_CHECKPOINT_EVERY ?? 1000);

const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: round(pct(s, 50), 3), p95: round(pct(s, 95), 3), mean: round(s.reduce((a, b) => a + b, 0) / s.length, 3) };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function events(recorder, tenant, n) {
  return Array.from({ length: n }, (_, i) =>
    recorder.buildEvent({
      tenant,
      actor: { sub: `user-${i % 50}`, username: `user${i % 50}`, roles: ['vigie-analyst'], kind: 'user' },
      action: i % 3 ? 'object.read' : 'search.query',
      resources: [{ type: 'Person', id: `p-${i}` }],
      purpose: i % 10 === 0 ? { caseRef: `CASE-${i}`, justification: 'benchmark' } : null,
      details: { route: '/api/v1/objects/:id', latencyMs: 3.2, hitCount: i % 17 },
    }),
  );
}

async function publishAll(recorder, list) {
  let next = 0;
  const worker = async () => {
    while (next < list.length) await recorder.publish(list[next++]);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** Pull + validate + ack of `n` AUDIT events from `since` on, through a throw-away durable, no writing. */
async function consumeOnly(nc, since, n, ackMode) {
  const jsm = await nc.jetstreamManager();
  const durable = `bench-consume-${randomUUID().slice(0, 8)}`;
  const decl = { stream: 'AUDIT', durable, filterSubject: 'audit.v1.events.*.recorded', maxAckPending: 20000 };
  await jsm.consumers.add('AUDIT', { ...consumerConfig(decl), deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() });
  let seen = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const consumer = new DurableConsumer(nc, {
    ...decl,
    contract: auditEventContractFor('audit.query'),
    deadLetterSubject: 'bench.v1.deadletter.audit',
    batchSize: BATCH,
    ackMode,
    logger: { warn: () => undefined, error: () => undefined },
    handleBatch: async (items) => {
      seen += items.length;
      if (seen >= n) done();
    },
  });
  const t0 = performance.now();
  consumer.start();
  await Promise.race([finished, sleep(120000)]);
  const seconds = (performance.now() - t0) / 1000;
  await consumer.stop();
  await jsm.consumers.delete('AUDIT', durable).catch(() => undefined);
  return Math.round(seen / seconds);
}

/** Records chained so far (seqs have no gaps): the head's seq, an index lookup, so polling stays cheap. */
async function count(pool, tenant) {
  const r = await pool.query('SELECT seq::int AS n FROM audit.records WHERE tenant = $1 ORDER BY seq DESC LIMIT 1', [tenant]);
  return r.rows[0]?.n ?? 0;
}

async function main() {
  await launcher.waitReady('audit', 30000);
  const nc = await connectNats({ NATS_URL: stack.NATS_URL, NATS_USER: 'ontology', NATS_PASSWORD: stack.VIGIE_NATS_PASSWORD_ONTOLOGY }, 'bench-audit');
  const recorder = new AuditRecorder(new EventPublisher(nc, 10000), { service: 'ontology', timeoutMs: 10000 });
  const writerPool = new Pool({ connectionString: stack.VIGIE_DB_URL_AUDIT_WRITER, max: 4 });
  const admin = new Pool({ connectionString: stack.VIGIE_PG_ADMIN_URL, max: 2 });
  const result = { events: EVENTS, checkpointEvery: CHECKPOINT_EVERY, inFlight: IN_FLIGHT, cpus: os.cpus().length, loadAverageAtStart: os.loadavg().map((l) => round(l, 1)) };
  try {
    // --- 1a. end to end: publish (baseline: JetStream ack rate) then wait until chained.
    const tenant = `bench-${randomUUID().slice(0, 8)}`;
    const list = events(recorder, tenant, EVENTS);
    const since = new Date(Date.now() - 1000);
    const t0 = performance.now();
    await publishAll(recorder, list);
    const published = performance.now();
    let n = 0;
    while ((n = await count(writerPool, tenant)) < EVENTS) {
      if (performance.now() - t0 > 300000) throw new Error(`only ${n}/${EVENTS} chained after 300 s`);
      await sleep(50);
    }
    const chained = performance.now();
    const checkpoints = (await writerPool.query('SELECT count(*)::int AS n FROM audit.checkpoints WHERE tenant = $1', [tenant])).rows[0].n;
    result.pipeline = {
      jetstreamPublishEventsPerSecond: Math.round(EVENTS / ((published - t0) / 1000)),
      chainedEndToEndEventsPerSecond: Math.round(EVENTS / ((chained - t0) / 1000)),
      secondsToPublish: round((published - t0) / 1000, 2),
      secondsToChainAll: round((chained - t0) / 1000, 2),
      checkpointsSigned: checkpoints,
    };

    // --- 1b. in-process writer alone (chaining + signing + INSERT), and the raw INSERT baseline.
    const store = new AuditStore({ url: stack.VIGIE_DB_URL_AUDIT_WRITER, schema: 'audit', poolMax: 2 });
    const writer = new AuditWriter(store, keys, { everyRecords: CHECKPOINT_EVERY, everySeconds: 60 });
    const wTenant = `bench-${randomUUID().slice(0, 8)}`;
    const wList = events(recorder, wTenant, EVENTS);
    const w0 = performance.now();
    for (let i = 0; i < wList.length; i += BATCH) await writer.appendBatch(wList.slice(i, i + BATCH));
    const w1 = performance.now();

    await admin.query('CREATE SCHEMA IF NOT EXISTS bench_scratch');
    await admin.query('DROP TABLE IF EXISTS bench_scratch.records');
    await admin.query('CREATE TABLE bench_scratch.records (LIKE audit.records INCLUDING ALL)');
    await admin.query('GRANT USAGE ON SCHEMA bench_scratch TO vigie_audit_writer');
    await admin.query('GRANT INSERT ON bench_scratch.records TO vigie_audit_writer');
    const rTenant = `bench-${randomUUID().slice(0, 8)}`;
    const rows = appendEvents(genesisHead(rTenant), events(recorder, rTenant, EVENTS)).records; // hashed beforehand: not timed
    const raw = new AuditTx(writerPool, '"bench_scratch"');
    const r0 = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) await raw.insertRecords(rows.slice(i, i + BATCH));
    const r1 = performance.now();
    await admin.query('DROP SCHEMA bench_scratch CASCADE');
    await store.close();
    result.writer = {
      chainSignInsertEventsPerSecond: Math.round(EVENTS / ((w1 - w0) / 1000)),
      rawInsertSameRowsEventsPerSecond: Math.round(EVENTS / ((r1 - r0) / 1000)),
      batch: BATCH,
    };
    // --- 1c. the durable consumer alone, replaying the events of 1a (setup user: may create consumers).
    const setupNc = await connectNats({ NATS_URL: stack.NATS_URL, NATS_USER: 'setup', NATS_PASSWORD: stack.VIGIE_NATS_PASSWORD_SETUP }, 'bench-audit-consume');
    try {
      result.consumer = {
        ackEachEventsPerSecond: await consumeOnly(setupNc, since, EVENTS, 'each'),
        ackBatchEventsPerSecond: await consumeOnly(setupNc, since, EVENTS, 'batch'),
        batch: BATCH,
      };
    } finally {
      await setupNc.drain();
    }
    result.ratios = {
      endToEndVsJetstreamPublish: round(result.pipeline.chainedEndToEndEventsPerSecond / result.pipeline.jetstreamPublishEventsPerSecond, 2),
      writerVsRawInsert: round(result.writer.chainSignInsertEventsPerSecond / result.writer.rawInsertSameRowsEventsPerSecond, 2),
    };

    // --- 2. audited read vs the same read unaudited, interleaved, sequential.
    const readTenant = tenant;
    const read = (seq) => writerPool.query('SELECT event FROM audit.records WHERE tenant = $1 AND seq = $2', [readTenant, seq]);
    const actor = { tenant: readTenant, subject: 'bench-reader', username: 'reader', roles: ['vigie-analyst'], kind: 'user' };
    const plain = [];
    const audited = [];
    for (let i = 0; i < 100; i += 1) await recorder.guard({ actor, action: 'object.read' }, () => read(1 + (i % EVENTS))); // warm-up
    for (let i = 0; i < READS; i += 1) {
      const seq = 1 + (i % EVENTS);
      let s = performance.now();
      await read(seq);
      plain.push(performance.now() - s);
      s = performance.now();
      await recorder.guard({ actor, action: 'object.read', resources: [{ type: 'AuditRecord', id: String(seq) }] }, () => read(seq));
      audited.push(performance.now() - s);
    }
    const p = stats(plain);
    const a = stats(audited);
    result.auditedRead = {
      reads: READS,
      readUnauditedMs: p,
      readAuditedMs: a,
      addedMs: { p50: round(a.p50 - p.p50, 3), p95: round(a.p95 - p.p95, 3) },
      read: 'SELECT of one row by primary key (PostgreSQL, local)',
    };
  } finally {
    await writerPool.end();
    await admin.end();
    await nc.drain();
  }
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
