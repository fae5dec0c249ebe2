import { join } from 'node:path';

// tools/jest: the reporter's line and the closing `vigie: N passed, N failed` of npm test.
// (plain CommonJS, shared with jest.preset.js and scripts/test.sh)
const reporter = require(join(__dirname, '../../jest/summary-reporter.js'));
const summary = require(join(__dirname, '../../jest/test-summary.js'));

const results = (passed: number, failed = 0, extra: Record<string, number> = {}) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  numRuntimeErrorTestSuites: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  ...extra,
});

describe('jest summary reporter', () => {
  it('prints one line naming the Nx task and its counts (suites that could not run count as failures)', () => {
    const line: string = reporter.summaryLine(results(7, 1, { numRuntimeErrorTestSuites: 1, numPendingTests: 2 }), { project: 'tests-audit', target: 'disruptive', rootDir: '/r' });
    expect(line).toBe('vigie-test-summary {"project":"tests-audit","target":"disruptive","passed":7,"failed":2,"skipped":2}');
  });

  it('writes that line to stdout when the run completes', () => {
    const writes: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => writes.push(String(chunk)) > 0);
    try {
      new reporter.SummaryReporter({ rootDir: '/work/libs/x' }).onRunComplete(new Set(), results(3));
    } finally {
      spy.mockRestore();
    }
    expect(writes.join('')).toMatch(/^\nvigie-test-summary \{"project":"[^"]+","target":"[^"]+","passed":3,"failed":0,"skipped":0\}\n$/);
  });
});

describe('test summary over an nx run-many log', () => {
  // What `nx run-many --output-style=static` prints: a task that ran, a task replayed from the
  // cache (its stored output printed again), and the `test` and `disruptive` runs of one project.
  const log = [
    '> nx run shared-config:test',
    'Tests:       12 passed, 12 total',
    'vigie-test-summary {"project":"shared-config","target":"test","passed":12,"failed":0,"skipped":0}',
    '> nx run shared-policy:test  [local cache]',
    '\u001b[1mTests:\u001b[22m 40 passed, 40 total',
    '\u001b[0mvigie-test-summary {"project":"shared-policy","target":"test","passed":40,"failed":0,"skipped":0}\r',
    '> nx run tests-audit:test',
    'vigie-test-summary {"project":"tests-audit","target":"test","passed":30,"failed":1,"skipped":1}',
    '> nx run tests-audit:disruptive',
    'vigie-test-summary {"project":"tests-audit","target":"disruptive","passed":3,"failed":0,"skipped":0}',
    'vigie-test-summary {"project":"cut-off","target":"test","pass',
    'console.log vigie-test-summary is mentioned in a test name, not a summary',
  ].join('\n');

  it('counts every run and every replay, the test and disruptive runs of one project both', () => {
    const runs = summary.parseSummaryLines(log);
    expect(runs.map((r: { project: string; target: string }) => `${r.project}:${r.target}`)).toEqual(['shared-config:test', 'shared-policy:test', 'tests-audit:test', 'tests-audit:disruptive']);
    expect(summary.formatTotal(summary.total(runs))).toBe('vigie: 85 passed, 1 failed, 1 skipped (4 jest runs)');
  });

  it('gives the same total for the same runs whichever were replayed from the cache', () => {
    const fresh = log.replace('shared-policy:test  [local cache]', 'shared-policy:test');
    expect(summary.total(summary.parseSummaryLines(fresh))).toEqual(summary.total(summary.parseSummaryLines(log)));
  });
});
