import { Readable } from 'node:stream';
import { exportLines, exportToString, ExportSource, readLines, verifyExport } from './chain-export.util';
import { buildChain, eventId, otherKey, signingKey, TENANT } from './chain-fixtures.spec-helper';

const { records, checkpoints } = buildChain(30, { every: 10 });
const KEYS = signingKey.publicKeyPem;

function source(overrides: Partial<ExportSource> = {}): ExportSource {
  return {
    tenant: TENANT,
    fromSeq: 1,
    toSeq: 30,
    records,
    checkpoints,
    publicKeys: [KEYS],
    exportedAt: '2025-04-01T00:00:00.000Z',
    ...overrides,
  };
}

async function exported(overrides: Partial<ExportSource> = {}): Promise<string[]> {
  return (await exportToString(source(overrides))).split('\n').filter(Boolean);
}

function joined(lines: string[]): string {
  return lines.join('\n') + '\n';
}

describe('export format', () => {
  it('writes a header, the checkpoints, then the records, each as canonical JSON', async () => {
    const lines = await exported();
    expect(lines).toHaveLength(1 + 3 + 30);
    const header = JSON.parse(lines[0]);
    expect(header).toEqual({
      type: 'header',
      format: 'vigie.audit.export',
      version: 1,
      tenant: TENANT,
      fromSeq: 1,
      toSeq: 30,
      exportedAt: '2025-04-01T00:00:00.000Z',
      publicKeys: [{ keyId: signingKey.keyId, publicKeyPem: signingKey.publicKeyPem }],
    });
    expect(lines.slice(1, 4).map((l) => JSON.parse(l)).map((c) => [c.type, c.seq])).toEqual([
      ['checkpoint', 10],
      ['checkpoint', 20],
      ['checkpoint', 30],
    ]);
    expect(JSON.parse(lines[4])).toEqual({ type: 'record', ...records[0] });
    expect(lines[4].startsWith('{"event":')).toBe(true);
  });

  it('refuses a reversed range', async () => {
    await expect(exportToString(source({ fromSeq: 5, toSeq: 3 }))).rejects.toThrow(/not a range/);
  });
});

describe('verifyExport', () => {
  it('verifies a faithful export from a stream', async () => {
    const report = await verifyExport(Readable.from(exportLines(source())), KEYS);
    expect(report).toMatchObject({ ok: true, tenant: TENANT, recordsChecked: 30, lastSeq: 30, coveredUpTo: 30, lines: 34, untrustedHeaderKeys: [] });
    expect(report.header?.toSeq).toBe(30);
  });

  it('reads lines split anywhere, even inside a multi-byte character, and CRLF', async () => {
    const bytes = Buffer.from(joined(await exported()).replace(/\n/g, '\r\n'), 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    expect((await verifyExport(chunks, KEYS)).ok).toBe(true);
    const lines: string[] = [];
    for await (const l of readLines([Buffer.from('a\u00e9'), Buffer.from('b\nc')])) lines.push(l.text);
    expect(lines).toEqual(['a\u00e9b', 'c']);
  });

  it('names an edited record and its line', async () => {
    const lines = await exported();
    lines[4 + 11] = lines[4 + 11].replace('"outcome":"success"', '"outcome":"denied"');
    const report = await verifyExport([joined(lines)], KEYS);
    expect(report.firstProblem).toMatchObject({ kind: 'altered', seq: 12, eventId: eventId(12), line: 16 });
  });

  it('names a deleted line', async () => {
    const lines = await exported();
    lines.splice(4 + 11, 1);
    expect((await verifyExport([joined(lines)], KEYS)).firstProblem).toMatchObject({ kind: 'removed', seq: 12 });
  });

  it('names swapped lines', async () => {
    const lines = await exported();
    [lines[4 + 11], lines[4 + 12]] = [lines[4 + 12], lines[4 + 11]];
    expect((await verifyExport([joined(lines)], KEYS)).firstProblem).toMatchObject({ kind: 'reordered', seq: 12 });
  });

  it('names a truncated file by the header range even past the last checkpoint', async () => {
    const { records: r35, checkpoints: c35 } = buildChain(35, { every: 10 });
    const lines = await exported({ records: r35, checkpoints: c35, toSeq: 35 });
    const report = await verifyExport([joined(lines.slice(0, -3))], KEYS);
    expect(report.firstProblem).toMatchObject({ kind: 'truncated', seq: 33, range: { fromSeq: 33, toSeq: 35 } });
  });

  it('names a forged checkpoint', async () => {
    const lines = await exported();
    lines[2] = lines[2].replace(/"signature":"[^"]+"/, `"signature":"${checkpoints[0].signature}"`);
    expect((await verifyExport([joined(lines)], KEYS)).firstProblem).toMatchObject({ kind: 'bad-signature', seq: 20 });
  });

  it('trusts only the keys it is given, not those in the file', async () => {
    const report = await verifyExport([joined(await exported())], otherKey.publicKeyPem);
    expect(report.firstProblem).toMatchObject({ kind: 'unknown-key', seq: 10 });
    expect(report.untrustedHeaderKeys).toEqual([signingKey.keyId]);
  });

  it('verifies a range export anchored by the checkpoint before it, and not without', async () => {
    const anchored = await exported({ fromSeq: 11, toSeq: 30, records: records.slice(10) });
    expect(await verifyExport([joined(anchored)], KEYS)).toMatchObject({ ok: true, start: 'anchor', anchorSeq: 10, firstSeq: 11 });
    const bare = await exported({ fromSeq: 11, toSeq: 30, records: records.slice(10), checkpoints: checkpoints.slice(1) });
    expect((await verifyExport([joined(bare)], KEYS)).firstProblem).toMatchObject({ kind: 'unanchored', seq: 11 });
  });

  it('verifies an empty export', async () => {
    const empty = await exported({ fromSeq: 1, toSeq: 0, records: [], checkpoints: [] });
    expect(await verifyExport([joined(empty)], KEYS)).toMatchObject({ ok: true, recordsChecked: 0 });
  });

  it.each([
    ['an empty file', () => [], /empty/, null],
    ['a file without header', (l: string[]) => l.slice(1), /not a Vigie audit export header/, null],
    ['a header of another version', (l: string[]) => [l[0].replace('"version":1', '"version":2'), ...l.slice(1)], /version/, null],
    ['a line that is not JSON', (l: string[]) => [...l.slice(0, 10), '{oops', ...l.slice(10)], /not JSON/, 7],
    ['a record missing a field', (l: string[]) => [...l.slice(0, 10), l[10].replace(/"prevHash":"[0-9a-f]+",/, ''), ...l.slice(11)], /prevHash/, 7],
    ['a record with an extra field', (l: string[]) => [...l.slice(0, 10), l[10].replace('{', '{"note":"x",'), ...l.slice(11)], /note: unknown field/, 7],
    ['a record with a non-integer seq', (l: string[]) => [...l.slice(0, 10), l[10].replace('"seq":7', '"seq":7.5'), ...l.slice(11)], /seq: must be a positive integer/, 7],
    ['a checkpoint after the records', (l: string[]) => [...l.slice(0, 10), l[1], ...l.slice(10)], /must come before/, 7],
    ['an unknown line type', (l: string[]) => [...l.slice(0, 10), '{"type":"note"}', ...l.slice(10)], /neither a record nor a checkpoint/, 7],
    ['a broken checkpoint', (l: string[]) => [l[0], l[1].replace('"kind":"periodic"', '"kind":"weekly"'), ...l.slice(2)], /not a valid checkpoint/, 1],
  ])('reports %s as malformed', async (_what, edit, message, seq) => {
    const report = await verifyExport([joined(edit(await exported()))], KEYS);
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({ kind: 'malformed', seq });
    expect(report.firstProblem!.message).toMatch(message);
  });
});
