import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CliFixtures, writeCliFixtures } from './cli-fixtures.spec-helper';

// Runs the built command as a process (`nx test cli` builds it first).
const BIN = join(__dirname, '..', 'bin', 'vigie.js');
const BUNDLE = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'main.js');

let fx: CliFixtures;
beforeAll(async () => {
  fx = await writeCliFixtures();
});
afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

function vigie(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
}

describe('the vigie process', () => {
  it('is built', () => {
    expect(existsSync(BUNDLE)).toBe(true);
  });

  it('exits 0 on an intact export', () => {
    const r = vigie('audit', 'verify', fx.good, '--public-key', fx.publicKeyFile);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('OK: the chain holds.');
    expect(r.status).toBe(0);
  });

  it('exits 1 on a tampered export, naming the record', () => {
    const r = vigie('audit', 'verify', fx.tampered, '--public-key', fx.publicKeyFile);
    expect(r.stdout).toContain('FAILED: altered at seq 6');
    expect(r.status).toBe(1);
  });

  it('exits 2 on bad usage', () => {
    const r = vigie('audit', 'verify', fx.good);
    expect(r.stderr).toContain('--public-key is required');
    expect(r.status).toBe(2);
  });
});
