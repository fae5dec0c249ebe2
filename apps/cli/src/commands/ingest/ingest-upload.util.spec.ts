import { formatDuration, markingsArgument, multipartBody, parseSse, progressBar } from './ingest-upload.util';

async function collect(gen: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const p of gen) parts.push(Buffer.from(p));
  return Buffer.concat(parts).toString('utf8');
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('vigie ingest helpers', () => {
  it('stream a multipart body with the fields before the file, which busboy-style parsers read in order', async () => {
    const { contentType, body } = multipartBody({ format: 'csv', mapping: 'version: 1\n' }, { name: 'a "b".csv', contentType: 'text/csv', data: chunks('id\n', '1\n') });
    const boundary = /boundary=(.+)$/.exec(contentType)![1];
    const text = await collect(body);
    expect(text.indexOf('name="format"')).toBeLessThan(text.indexOf('name="file"'));
    expect(text).toContain('filename="a _b_.csv"');
    expect(text).toContain('\r\n\r\nid\n1\n\r\n');
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });

  it('parse server-sent events split across chunks, skipping comments and retry lines', async () => {
    const events = [];
    for await (const e of parseSse(chunks('retry: 2000\n\nevent: progress\nda', 'ta: {"a":1}\n\n: keep-alive\n\nevent: end\r\ndata: {"b":2}\r\n\r\n'))) events.push(e);
    expect(events).toEqual([
      { event: 'progress', data: '{"a":1}' },
      { event: 'end', data: '{"b":2}' },
    ]);
  });

  it('read markings as LEVEL[:compartments] or JSON and refuse anything else, naming it', () => {
    expect(JSON.parse(markingsArgument('DR'))).toEqual({ level: 'DR', compartments: [] });
    expect(JSON.parse(markingsArgument('S:op-saphir,cyber'))).toEqual({ level: 'S', compartments: ['op-saphir', 'cyber'] });
    expect(markingsArgument('{"level":"TS","compartments":[]}')).toBe('{"level":"TS","compartments":[]}');
    expect(() => markingsArgument('SECRET')).toThrow(/"SECRET"/);
  });

  it('draw a bounded progress bar and short durations', () => {
    expect(progressBar(0.5, 10)).toBe('[#####-----]  50%');
    expect(progressBar(2, 4)).toBe('[####] 100%');
    expect(progressBar(Number.NaN, 4)).toBe('[----]   0%');
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(null)).toBe('--');
  });
});
