// Jest reporter: prints one machine-readable line per jest run,
//   vigie-test-summary {"project":"…","target":"…","passed":N,"failed":N,"skipped":N}
// which `npm test` (scripts/test.sh → tools/jest/test-summary.js) adds up into its closing line.
// A line on the task's output, not a file: Nx stores a task's terminal output with its cache entry
// and prints it again when it replays the task, so a cached test task is counted like one that ran
// (a result file was lost on a replay, and the `test` and `disruptive` runs of one project wrote
// the same file, the second overwriting the first).
'use strict';

const MARKER = 'vigie-test-summary';

/** The summary line of one jest run (aggregated results as jest gives them to onRunComplete). */
function summaryLine(results, { project, target, rootDir }) {
  const counts = {
    project: project || rootDir,
    target: target || 'jest',
    passed: results.numPassedTests,
    failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
    skipped: results.numPendingTests + results.numTodoTests,
  };
  return `${MARKER} ${JSON.stringify(counts)}`;
}

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const line = summaryLine(results, {
      // Set by Nx for every task it runs.
      project: process.env.NX_TASK_TARGET_PROJECT,
      target: process.env.NX_TASK_TARGET_TARGET,
      rootDir: this.rootDir,
    });
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
module.exports.SummaryReporter = SummaryReporter;
module.exports.summaryLine = summaryLine;
module.exports.MARKER = MARKER;
