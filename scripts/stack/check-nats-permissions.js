#!/usr/bin/env node
// Checks the running local nats-server against config/nats/permissions.json: connects as each user
// and verifies that allowed subjects pass and others get a permissions violation; then exercises
// request/reply between two services and the object store as 'ingestion'.
// Usage (after scripts/stack/up.sh): node scripts/stack/check-nats-permissions.js [path/to/stack.env]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const repoRoot = path.resolve(__dirname, '..', '..');
const { connect, StringCodec } = require(require.resolve('nats', { paths: [repoRoot] }));

const envFile = process.argv[2] ?? path.join(process.env.VIGIE_STATE_DIR ?? path.join(repoRoot, '.vigie'), 'stack.env');
const env = Object.fromEntries(
  fs
    .readFileSync(envFile, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

// [user, 'pub' | 'sub', subject, expected]
const CASES = [
  ['gateway', 'pub', 'ontology.v1.events.object.changed', 'deny'],
  ['gateway', 'pub', 'ontology.v1.batches.tenant-a', 'deny'],
  ['gateway', 'pub', 'ontology.v1.object.get', 'allow'],
  ['gateway', 'pub', 'audit.v1.query.run', 'allow'],
  ['gateway', 'pub', 'audit.v1.events.request.served', 'allow'],
  ['gateway', 'pub', 'identity.v1.events.user.created', 'deny'],
  ['gateway', 'sub', 'gateway.v1.>', 'allow'],
  ['gateway', 'sub', 'ontology.v1.>', 'deny'],
  ['gateway', 'sub', 'audit.v1.events.>', 'deny'],
  ['gateway', 'sub', 'ingestion.v1.events.job.progressed', 'allow'], // relayed as server-sent events
  ['gateway', 'sub', 'ingestion.v1.job.create', 'deny'],
  ['gateway', 'pub', '$JS.API.STREAM.DELETE.AUDIT', 'deny'],
  ['gateway', 'pub', '$JS.API.CONSUMER.CREATE.AUDIT', 'deny'],
  ['gateway', 'pub', '$JS.API.STREAM.MSG.GET.ONTOLOGY', 'deny'],
  ['gateway', 'pub', '$O.sources.C.x', 'allow'], // the gateway streams uploads into the object store
  ['analytics', 'pub', '$O.sources.C.x', 'deny'],
  ['audit', 'pub', '$O.sources.C.x', 'deny'],
  ['identity', 'sub', 'identity.v1.>', 'allow'],
  ['identity', 'pub', 'ontology.v1.object.get', 'deny'],
  ['identity', 'pub', 'audit.v1.events.login.failed', 'allow'],
  ['ingestion', 'pub', 'ontology.v1.batches.tenant-a', 'allow'],
  ['ingestion', 'pub', 'ontology.v1.type.list', 'allow'],
  ['ingestion', 'pub', 'ontology.v1.events.object.changed', 'deny'],
  ['ingestion', 'pub', '$O.sources.C.x', 'allow'],
  ['ingestion', 'pub', 'analytics.v1.search.run', 'deny'],
  ['ingestion', 'pub', '$JS.API.CONSUMER.CREATE.INGEST', 'deny'],
  ['ontology', 'pub', 'ontology.v1.events.object.changed', 'allow'],
  ['ontology', 'pub', 'ontology.v1.batches.tenant-a', 'deny'],
  ['ontology', 'pub', '$JS.API.CONSUMER.CREATE.INGEST', 'allow'],
  ['ontology', 'pub', '$JS.API.STREAM.PURGE.INGEST', 'deny'],
  ['ontology', 'pub', 'identity.v1.keys.get', 'allow'],
  ['analytics', 'pub', 'ontology.v1.object.get', 'deny'],
  ['analytics', 'pub', '$JS.API.CONSUMER.MSG.NEXT.ONTOLOGY.analytics', 'allow'],
  ['analytics', 'pub', '$JS.API.CONSUMER.MSG.NEXT.AUDIT.audit', 'deny'],
  ['analytics', 'sub', 'analytics.v1.>', 'allow'],
  ['audit', 'sub', 'audit.v1.>', 'allow'],
  ['audit', 'pub', '$JS.API.CONSUMER.MSG.NEXT.AUDIT.audit', 'allow'],
  ['audit', 'pub', '$JS.API.STREAM.DELETE.AUDIT', 'deny'],
  ['audit', 'pub', 'ontology.v1.events.object.changed', 'deny'],
  ['setup', 'pub', 'ontology.v1.events.object.changed', 'allow'],
  ['setup', 'sub', '>', 'allow'],
];

const sc = StringCodec();

async function open(user) {
  const password = env[`VIGIE_NATS_PASSWORD_${user.toUpperCase()}`];
  if (!password) throw new Error(`no password for NATS user ${user} in ${envFile}`);
  const nc = await connect({ servers: env.NATS_URL, user, pass: password, name: `check-${user}`, inboxPrefix: user === "setup" ? undefined : `_INBOX_${user}` });
  const errors = [];
  (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error') errors.push({ code: String(status.data), subject: status.permissionContext?.subject });
    }
  })();
  return { nc, errors };
}

async function probe(user, kind, subject) {
  const { nc, errors } = await open(user);
  try {
    if (kind === 'pub') {
      nc.publish(subject, sc.encode('{}'));
    } else {
      nc.subscribe(subject, { callback: () => undefined });
    }
    await nc.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await nc.flush();
    const violation = errors.find((e) => e.code === 'PERMISSIONS_VIOLATION' && e.subject === subject);
    return violation ? 'deny' : 'allow';
  } finally {
    await nc.close();
  }
}

async function requestReply() {
  const server = await open('identity');
  const client = await open('gateway');
  try {
    server.nc.subscribe('identity.v1.check.ping', {
      queue: 'identity',
      callback: (err, msg) => {
        if (!err) msg.respond(sc.encode(`pong:${sc.decode(msg.data)}`));
      },
    });
    await server.nc.flush();
    const reply = await client.nc.request('identity.v1.check.ping', sc.encode('gateway'), { timeout: 2000 });
    return sc.decode(reply.data) === 'pong:gateway';
  } finally {
    await server.nc.close();
    await client.nc.close();
  }
}

async function objectStore() {
  const bucket = `check-${randomBytes(4).toString('hex')}`;
  const { nc } = await open('ingestion');
  try {
    const os = await nc.jetstream().views.os(bucket, { storage: 'memory' });
    const payload = randomBytes(300_000);
    await os.putBlob({ name: 'sample.bin' }, payload);
    const back = await os.getBlob('sample.bin');
    const same = back !== null && Buffer.compare(Buffer.from(back), payload) === 0;
    await os.destroy();
    return same;
  } finally {
    await nc.close();
  }
}

async function main() {
  let failures = 0;
  for (const [user, kind, subject, expected] of CASES) {
    const actual = await probe(user, kind, subject);
    const ok = actual === expected;
    if (!ok) failures += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${user.padEnd(9)} ${kind} ${subject.padEnd(48)} ${actual}${ok ? '' : ` (expected ${expected})`}`);
  }
  const rr = await requestReply();
  console.log(`${rr ? 'ok  ' : 'FAIL'} gateway -> identity request/reply with queue group`);
  const obj = await objectStore();
  console.log(`${obj ? 'ok  ' : 'FAIL'} ingestion object store put/get/destroy`);
  failures += (rr ? 0 : 1) + (obj ? 0 : 1);
  const total = CASES.length + 2;
  console.log(`${total - failures} passed, ${failures} failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(`check-nats-permissions: ${error.stack ?? error}`);
  process.exitCode = 1;
});
