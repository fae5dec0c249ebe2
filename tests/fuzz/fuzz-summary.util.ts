import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Counts of generated cases per target, printed (and written to `$VIGIE_STATE_DIR/fuzz/<suite>.json`, `.vigie` by default) when a suite ends. */
export class FuzzSummary {
  private readonly counts: Record<string, number> = {};

  constructor(private readonly suite: string) {}

  add(target: string, cases = 1): void {
    this.counts[target] = (this.counts[target] ?? 0) + cases;
  }

  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  report(): { suite: string; total: number; cases: Record<string, number> } {
    const report = { suite: this.suite, total: this.total(), cases: { ...this.counts } };
    console.log(`fuzz ${this.suite}: ${JSON.stringify(report)}`);
    try {
      const repo = join(__dirname, '../..');
      const dir = join(resolve(repo, process.env['VIGIE_STATE_DIR'] ?? '.vigie'), 'fuzz');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${this.suite}.json`), `${JSON.stringify(report)}\n`);
    } catch {
      // The printed line is the record; the file is a convenience.
    }
    return report;
  }
}
