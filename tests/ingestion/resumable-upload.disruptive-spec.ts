import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsConnection } from 'nats';
import { freePort, launcher, startPrivateGateway } from '@vigie/shared-testing';
import { api, connectSetup, JobView, login, PEOPLE_MAPPING, peopleCsv, uniqueSource } from './ingestion-test.helpers';
import { storedParts } from './resumable-upload.helpers';

// A private gateway (same build, NATS and Keycloak) on its own ports, killed (SIGKILL) while the
// CLI is in the middle of a resumable upload, then started again: the CLI must carry on from the
// offset the session kept in NATS, and the job must get exactly the file's bytes.

let httpPort: number;
let healthPort: number;
let gateway: ChildProcess | undefined;
let token: string;
let nc: NatsConnection;
const dir = mkdtempSync(join(tmpdir(), 'vigie-resumable-'));

async function startGateway(): Promise<void> {
  gateway = await startPrivateGateway(httpPort, healthPort);
}

async function killGateway(signal: NodeJS.Signals): Promise<void> {
  const child = gateway;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  [httpPort, healthPort] = [await freePort(), await freePort()];
  token = await login('alpha-ingest');
  nc = await connectSetup();
  await startGateway();
}, 90_000);

afterAll(async () => {
  await killGateway('SIGTERM');
  await nc?.drain();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigie ingest resumes a resumable upload after the gateway restarts', () => {
  it('carries on from the server offset after a kill -9 of the gateway; the job gets the exact file', async () => {
    const data = peopleCsv(120_000, 600_000); // ≈ 5.6 MB: about 90 chunks of 64 KiB
    const file = join(dir, 'people.csv');
    const mappingFile = join(dir, 'mapping.yaml');
    writeFileSync(file, data);
    writeFileSync(mappingFile, PEOPLE_MAPPING);
    const source = uniqueSource('cli-resume');
    const cli = spawn(
      process.execPath,
      [join(launcher.ROOT, 'dist/apps/cli/main.js'), 'ingest', file, '--mapping', mappingFile, '--source', source, '--gateway', `http://127.0.0.1:${httpPort}`, '--token', token, '--resumable-above', '0', '--chunk-size', '64kb', '--retries', '10', '--no-wait', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    const chunksSent = new Promise<void>((resolve) => {
      cli.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        if ((stderr.match(/\r\[/g) ?? []).length >= 4) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));

    await Promise.race([chunksSent, exited]);
    const id = /Upload session ([0-9a-f-]{36})/.exec(stderr)?.[1];
    expect(id).toBeDefined();
    await killGateway('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    await startGateway();

    const code = await exited;
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const resumedAt = Number(/resuming from byte (\d+) of (\d+)/.exec(stderr)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(data.length);
    const job = JSON.parse(stdout.trim()) as JobView;
    expect(job.detected?.['sha256']).toBe(createHash('sha256').update(data).digest('hex'));
    expect(job.source).toBe(source);
    // Only the whole chunks are under the object: as many parts as chunks, none left over from the kill.
    const parts = await storedParts(nc, id!);
    expect(Object.values(parts).reduce((n, c) => n + c, 0)).toBe(Math.ceil(data.length / 65_536));
    // The job reads the file through (no "cut short" or digest failure), then is cancelled: its rows are not the point here.
    const deadline = Date.now() + 60_000;
    let seen = job;
    while (Date.now() < deadline && (seen.position?.index ?? -1) < 0 && !['completed', 'failed', 'cancelled'].includes(seen.status)) {
      await new Promise((r) => setTimeout(r, 250));
      seen = (await api<JobView>(`/ingest/jobs/${job.id}`, token)).body;
    }
    expect(seen.status).not.toBe('failed');
    await api(`/ingest/jobs/${job.id}/cancel`, token, { method: 'POST' });
  }, 240_000);
});
