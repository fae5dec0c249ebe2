import { createReadStream, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { runCli } from './cli';
import { CliIo } from './cli-io';
import { CliFixtures, writeCliFixtures } from './cli-fixtures.spec-helper';

let fx: CliFixtures;
beforeAll(async () => {
  fx = await writeCliFixtures();
});
afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

async function run(args: string[], stdinText = '') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: () => Readable.from([stdinText]),
    openFile: (path) => createReadStream(path),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

describe('vigie', () => {
  it('lists its commands when called without one, and fails', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Commands:\n {2}audit/);
  });

  it('prints help on request', async () => {
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: vigie <command>') });
    expect(await run(['audit', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('verify') });
    expect(await run(['audit', 'verify', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--public-key') });
  });

  it('names an unknown command', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await run(['audit', 'repair'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "repair"') });
    expect((await run(['audit'])).code).toBe(2);
  });
});

describe('vigie audit verify', () => {
  it('passes an intact export', async () => {
    const r = await run(['audit', 'verify', fx.good, '--public-key', fx.publicKeyFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tenant      dgsi');
    expect(r.stdout).toContain('records     10 verified (seq 1..10)');
    expect(r.stdout).toContain('checkpoints 2: 2 with a valid signature, 2 matching the chain');
    expect(r.stdout).toMatch(/OK: the chain holds\.\n$/);
  });

  it('names the first problem of a tampered export', async () => {
    const r = await run(['audit', 'verify', fx.tampered, '-k', fx.publicKeyFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: altered at seq 6, event 00000000-0000-4000-8000-000000000006, line 9');
    expect(r.stdout).toContain('its content no longer matches its hash');
  });

  it('names a truncated export', async () => {
    const r = await run(['audit', 'verify', fx.truncated, '-k', fx.publicKeyFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: truncated at seq 9');
  });

  it('fails under a key it was not signed with, and says which keys the file names', async () => {
    const r = await run(['audit', 'verify', fx.good, '-k', fx.otherPublicKeyFile]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAILED: unknown-key at seq 5');
    expect(r.stdout).toContain('the file names keys you did not trust');
    expect(r.stdout).toContain('signed by untrusted key');
  });

  it('accepts several keys (rotation) from one file or repeated options', async () => {
    expect((await run(['audit', 'verify', fx.good, '-k', fx.bothKeysFile])).code).toBe(0);
    expect((await run(['audit', 'verify', fx.good, '-k', fx.otherPublicKeyFile, '-k', fx.publicKeyFile])).code).toBe(0);
  });

  it('reads standard input and gzip files', async () => {
    expect((await run(['audit', 'verify', '-', '-k', fx.publicKeyFile], fx.goodText)).code).toBe(0);
    expect((await run(['audit', 'verify', fx.goodGz, '-k', fx.publicKeyFile])).code).toBe(0);
  });

  it('prints the full report as JSON', async () => {
    const r = await run(['audit', 'verify', fx.tampered, '-k', fx.publicKeyFile, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: 6, line: 9 });
    expect(report.header.tenant).toBe('dgsi');
  });

  it('warns about records no checkpoint covers', async () => {
    const r = await run(['audit', 'verify', fx.unsignedTail, '-k', fx.publicKeyFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the last 2 records after seq 10 are not covered by a signed checkpoint');
  });

  it.each([
    ['no key', (f: CliFixtures) => [f.good], /--public-key is required/],
    ['no file', (f: CliFixtures) => ['-k', f.publicKeyFile], /exactly one FILE, got 0/],
    ['two files', (f: CliFixtures) => [f.good, f.good, '-k', f.publicKeyFile], /exactly one FILE, got 2/],
    ['a missing file', (f: CliFixtures) => [`${f.dir}/nope.ndjson`, '-k', f.publicKeyFile], /cannot read ".*nope.ndjson": no such file/],
    ['a missing key file', (f: CliFixtures) => [f.good, '-k', `${f.dir}/nope.pem`], /cannot read public key file .*ENOENT/],
    ['a key file without a key', (f: CliFixtures) => [f.good, '-k', f.notAKeyFile], /holds no public key/],
    ['a private key', (f: CliFixtures) => [f.good, '-k', f.privateKeyFile], /holds no public key/],
    ['a broken public key', (f: CliFixtures) => [f.good, '-k', f.brokenKeyFile], /not a readable PEM/],
    ['an unknown option', (f: CliFixtures) => [f.good, '-k', f.publicKeyFile, '--fast'], /Unknown option '--fast'/],
  ])('refuses %s with exit code 2', async (_what, args, message) => {
    const r = await run(['audit', 'verify', ...args(fx)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
