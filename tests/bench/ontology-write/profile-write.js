#!/usr/bin/env node
// Profiling aid for the ontology write path: runs ontology-write.bench.js with a timer around every
// SQL statement (grouped by its first words), every transaction and the JetStream publishes, and
// prints the split on stderr at exit. Same knobs as the bench.
//   node tests/bench/ontology-write/profile-write.js [--batches 20] [--batch-objects 500]
'use strict';
require('../lib/register-ts');
const { OntologyDatabase } = require('@vigie/ontology-data-access');
const { EventPublisher } = require('@vigie/shared-messaging');
const { IngestService, OutboxPublisher, ResolutionEngine } = require('@vigie/ontology-feature');

const totals = new Map();
const add = (key, ms) => {
  const t = totals.get(key) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += ms;
  totals.set(key, t);
};
const label = (text) => {
  const t = text.replace(/\s+/g, ' ').trim();
  const m = /^(WITH input AS \( SELECT \* FROM jsonb_to_recordset\(\?::jsonb\) AS r\(id uuid, type text, source_key text, (from_id)?)|^(\S+ \S+ \S+ \S+ \S+ \S+)/.exec(t);
  if (m && m[1]) return m[2] ? 'upsertLinks' : 'upsertObjects';
  return t.slice(0, 70);
};
const timedSql = (sql) => ({
  async query(text, params) {
    const t0 = performance.now();
    try {
      return await sql.query(text, params);
    } finally {
      add(`sql: ${label(text)}`, performance.now() - t0);
    }
  },
});
for (const name of ['transaction', 'read']) {
  const original = OntologyDatabase.prototype[name];
  OntologyDatabase.prototype[name] = async function (fn) {
    const t0 = performance.now();
    try {
      return await original.call(this, (sql) => fn(timedSql(sql)));
    } finally {
      add(`db.${name} (whole)`, performance.now() - t0);
    }
  };
}
const wrapMethod = (proto, name, key) => {
  const original = proto[name];
  proto[name] = async function (...args) {
    const t0 = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      add(key, performance.now() - t0);
    }
  };
};
wrapMethod(OutboxPublisher.prototype, 'publish', 'outbox.publish by id (whole)');
wrapMethod(OutboxPublisher.prototype, 'publishMessages', 'outbox.publishMessages (whole)');
wrapMethod(EventPublisher.prototype, 'publishRaw', 'jetstream publishRaw (each, overlapping)');
wrapMethod(ResolutionEngine.prototype, 'resolveWrittenIn', 'resolution.resolveWrittenIn');
wrapMethod(IngestService.prototype, 'writeMany', 'ingest.writeMany (whole: prepare + transaction)');
wrapMethod(IngestService.prototype, 'publishWritten', 'ingest.publishWritten (whole)');
process.on('exit', () => {
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => `${String(Math.round(v.ms)).padStart(8)} ms ${String(v.n).padStart(7)}x  ${k}`);
  process.stderr.write(`${rows.join('\n')}\n`);
});
require('./ontology-write.bench.js');
