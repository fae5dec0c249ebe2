// Writes audit exports and keys to a temporary folder for the CLI specs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { appendEvents, ChainRecord, Checkpoint, exportToString, generateSigningKeyPair, genesisHead, loadSigningKey, signCheckpoint } from '@vigie/audit-chain';

export interface CliFixtures {
  dir: string;
  publicKeyFile: string;
  otherPublicKeyFile: string;
  bothKeysFile: string;
  notAKeyFile: string;
  privateKeyFile: string;
  brokenKeyFile: string;
  good: string;
  goodText: string;
  goodGz: string;
  tampered: string;
  truncated: string;
  unsignedTail: string;
}

export async function writeCliFixtures(): Promise<CliFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
  const pair = generateSigningKeyPair();
  const other = generateSigningKeyPair();
  const key = loadSigningKey(pair.privateKeyPem);

  const tenant = 'dgsi';
  let head = genesisHead(tenant);
  const records: ChainRecord[] = [];
  const checkpoints: Checkpoint[] = [];
  for (let seq = 1; seq <= 12; seq++) {
    const event = {
      id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      time: new Date(Date.UTC(2025, 2, 1, 10, 0, seq)).toISOString(),
      tenant,
      actor: { sub: 'u1', roles: ['vigie-analyst'], kind: 'user' },
      action: 'object.read',
      resources: [{ type: 'Person', id: `p-${seq}` }],
      purpose: null,
      outcome: 'success',
      traceId: 'ab'.repeat(16),
      service: 'ontology',
      details: { latencyMs: seq },
    };
    const result = appendEvents(head, [event], { recordedAt: event.time });
    records.push(...result.records);
    head = result.head;
    if (seq % 5 === 0) checkpoints.push(signCheckpoint(head, key, { time: event.time }));
  }
  const exportOf = (to: number) =>
    exportToString({ tenant, fromSeq: 1, toSeq: to, records: records.slice(0, to), checkpoints: checkpoints.filter((c) => c.seq <= to), publicKeys: [pair.publicKeyPem] });

  const goodText = await exportOf(10);
  const lines = goodText.split('\n');
  // Line 1 header, 2-3 checkpoints, record seq N on line N + 3.
  const tamperedLines = [...lines];
  tamperedLines[6 + 2] = tamperedLines[6 + 2].replace('"p-6"', '"p-66"');
  const truncatedLines = lines.filter((_l, i) => i < 11);
  const write = (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  return {
    dir,
    publicKeyFile: write('audit-public.pem', pair.publicKeyPem),
    otherPublicKeyFile: write('other-public.pem', other.publicKeyPem),
    bothKeysFile: write('both.pem', other.publicKeyPem + pair.publicKeyPem),
    notAKeyFile: write('notes.txt', 'the key is in the safe\n'),
    privateKeyFile: write('audit-private.pem', pair.privateKeyPem),
    brokenKeyFile: write('broken.pem', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
    good: write('good.ndjson', goodText),
    goodText,
    goodGz: write('good.ndjson.gz', gzipSync(goodText)),
    tampered: write('tampered.ndjson', tamperedLines.join('\n')),
    truncated: write('truncated.ndjson', truncatedLines.join('\n') + '\n'),
    unsignedTail: write('tail.ndjson', await exportOf(12)),
  };
}
