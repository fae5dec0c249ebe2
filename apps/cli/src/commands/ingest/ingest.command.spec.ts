import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CliIo } from '../../cli-io';
import { CliUsageError } from '../cli-command';
import { ingestCommand } from './ingest.command';

const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-ingest-'));
const csv = join(dir, 'people.csv');
writeFileSync(csv, 'id,name\n1,Ada\n');
let server: Server;
let gateway: string;
let received = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received = body;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '5e9b4a3c-2d1f-4e8a-9b7c-6d5e4f3a2b1c', detected: { sha256: 'abc' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gateway = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out = { stdout: '', stderr: '' };
  const cli: CliIo = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), stdin: () => Readable.from(['']), openFile: (p) => createReadStream(p) };
  return { out, cli };
}

describe('vigie ingest --mapping-id', () => {
  it('sends the stored mapping id as the mappingId field of the upload', async () => {
    const { out, cli } = io();
    const code = await ingestCommand.run([csv, '--mapping-id', '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', '--gateway', gateway, '--token', 't', '--no-wait'], cli);
    expect(code).toBe(0);
    expect(out.stdout.trim()).toBe('5e9b4a3c-2d1f-4e8a-9b7c-6d5e4f3a2b1c');
    expect(received).toMatch(/name="mappingId"\r\n\r\n6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f\r\n/);
    expect(received).not.toMatch(/name="mapping"\r\n/);
  });

  it('refuses both forms of mapping, a mapping for STIX, and no mapping for CSV, naming the option', async () => {
    const { cli } = io();
    await expect(ingestCommand.run([csv, '--mapping', csv, '--mapping-id', 'x', '--token', 't'], cli)).rejects.toThrow(new CliUsageError('give --mapping or --mapping-id, not both'));
    await expect(ingestCommand.run([csv, '--format', 'stix', '--mapping-id', 'x', '--token', 't'], cli)).rejects.toThrow(/STIX bundle takes no mapping/);
    await expect(ingestCommand.run([csv, '--token', 't'], cli)).rejects.toThrow(/--mapping \(or --mapping-id\) is required for csv/);
  });
});

describe('vigie ingest: resumable upload options', () => {
  it('refuses a chunk size or threshold that is not a size, and retries out of bounds, naming the option', async () => {
    const { cli } = io();
    await expect(ingestCommand.run([csv, '--mapping-id', 'x', '--token', 't', '--chunk-size', 'lots'], cli)).rejects.toThrow(/--chunk-size must be a size such as 16mb/);
    await expect(ingestCommand.run([csv, '--mapping-id', 'x', '--token', 't', '--resumable-above', '1.5gb'], cli)).rejects.toThrow(/--resumable-above must be a size/);
    await expect(ingestCommand.run([csv, '--mapping-id', 'x', '--token', 't', '--chunk-size', '0'], cli)).rejects.toThrow(/--chunk-size must be at least 1 byte/);
    await expect(ingestCommand.run([csv, '--mapping-id', 'x', '--token', 't', '--retries', '101'], cli)).rejects.toThrow(/--retries must be an integer from 0 to 100/);
  });

  it('sends a file below the threshold in one request, as before', async () => {
    const { cli } = io();
    received = '';
    const code = await ingestCommand.run([csv, '--mapping-id', '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f', '--gateway', gateway, '--token', 't', '--no-wait', '--resumable-above', '1mb'], cli);
    expect(code).toBe(0);
    expect(received).toMatch(/name="file"; filename="people.csv"/);
  });
});
