#!/usr/bin/env node
// Adds up the `vigie-test-summary {…}` lines (tools/jest/summary-reporter.js) found in a log of
// `nx run-many` output — tasks that ran and tasks Nx replayed from its cache alike — and prints
//   vigie: N passed, N failed[, N skipped] (J jest runs)
// Usage: node tools/jest/test-summary.js <log file> [--by-task]
'use strict';
const fs = require('node:fs');

const LINE = /vigie-test-summary (\{[^\n]*?\})\s*$/;

/** Parses a log's text: one entry per summary line (a run, or a replay of a cached run). */
function parseSummaryLines(text) {
  const runs = [];
  // eslint-disable-next-line no-control-regex -- colours in a terminal log
  for (const raw of text.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/)) {
    const m = LINE.exec(raw);
    if (!m) continue;
    try {
      const r = JSON.parse(m[1]);
      if ([r.passed, r.failed, r.skipped].every(Number.isInteger)) runs.push(r);
    } catch {
      // a line cut by interleaved output: not counted
    }
  }
  return runs;
}

function total(runs) {
  const t = { passed: 0, failed: 0, skipped: 0, runs: runs.length };
  for (const r of runs) {
    t.passed += r.passed;
    t.failed += r.failed;
    t.skipped += r.skipped;
  }
  return t;
}

function formatTotal(t) {
  return `vigie: ${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''} (${t.runs} jest runs)`;
}

module.exports = { parseSummaryLines, total, formatTotal };

if (require.main === module) {
  const [file, flag] = process.argv.slice(2);
  if (!file) {
    console.error('usage: test-summary.js <log file> [--by-task]');
    process.exit(64);
  }
  const runs = fs.existsSync(file) ? parseSummaryLines(fs.readFileSync(file, 'utf8')) : [];
  if (flag === '--by-task') for (const r of runs) console.log(`  ${r.project}:${r.target} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
  console.log(formatTotal(total(runs)));
}
