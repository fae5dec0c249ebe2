#!/usr/bin/env node
// Runs the benchmarks and prints one JSON document: { "<bench>": <its JSON>, ... }.
// Every benchmark measures its own baseline in the same run (raw COPY, plain SQL, raw NATS…)
// so that its figures are ratios, robust to a noisy machine.
//   npm run bench                 every benchmark under tests/bench/*/ (*.bench.js, *-bench.js)
//   npm run bench -- er audit     only those whose folder or file name matches
//   extra arguments after `--args` are passed to each benchmark
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const dir = __dirname;
const argv = process.argv.slice(2);
const split = argv.indexOf('--args');
const filters = split >= 0 ? argv.slice(0, split) : argv;
const extra = split >= 0 ? argv.slice(split + 1) : [];

const benches = fs
  .readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'lib')
  .flatMap((d) =>
    fs
      .readdirSync(path.join(dir, d.name))
      .filter((f) => /(\.bench|-bench)\.js$/.test(f))
      .map((f) => ({ name: `${d.name}/${f.replace(/(\.bench|-bench)\.js$/, '')}`, file: path.join(dir, d.name, f) })),
  )
  .filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));

if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(64);
}

const results = {};
let failed = 0;
for (const bench of benches) {
  process.stderr.write(`[bench] ${bench.name} …\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [bench.file, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  const text = r.stdout.trim();
  const start = text.indexOf('{');
  let parsed;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    parsed = { error: `did not print JSON (exit ${r.status})`, output: text.slice(-2000) };
  }
  if (r.status !== 0) {
    failed += 1;
    parsed = { ...parsed, exitCode: r.status };
  }
  results[bench.name] = { wallSeconds: Math.round((Date.now() - started) / 100) / 10, ...parsed };
}
console.log(JSON.stringify(results, null, 2));
process.exitCode = failed ? 1 : 0;
