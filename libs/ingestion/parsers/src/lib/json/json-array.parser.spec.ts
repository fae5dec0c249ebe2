import { FatalCode, ParseItem, RejectionCode } from '../common/parse-item.types';
import { JsonArrayParseOptions, JsonRecord, parseJsonArray } from './json-array.parser';

function chunks(data: Buffer | string, size = 0): Buffer[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (size <= 0) return [buf];
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function parse(data: Buffer | string, options: JsonArrayParseOptions = {}, size = 0): Promise<ParseItem<JsonRecord>[]> {
  const items: ParseItem<JsonRecord>[] = [];
  for await (const item of parseJsonArray(chunks(data, size), options)) items.push(item);
  return items;
}

const values = (items: ParseItem<JsonRecord>[]) => items.filter((i) => i.kind === 'record').map((i) => (i.kind === 'record' ? i.value : null));
const summary = (items: ParseItem<JsonRecord>[]) =>
  items.map((i) => (i.kind === 'record' ? ['record', i.position.line, i.value] : i.kind === 'rejected' ? ['rejected', i.position.line, i.code] : ['fatal', i.code]));

describe('parseJsonArray — valid input', () => {
  const text = '[\n  {"id": 1, "name": "Zoé \\"Z\\"", "tags": ["a", {"b": [1, 2]}]},\n  {"id": 2, "text": "brackets ] } [ { in a string"}\n]\n';

  it('streams the elements with their line, byte offset and index', async () => {
    expect(await parse(text)).toEqual([
      { kind: 'record', position: { line: 2, offset: 4, index: 0 }, raw: '{"id": 1, "name": "Zoé \\"Z\\"", "tags": ["a", {"b": [1, 2]}]}', value: { id: 1, name: 'Zoé "Z"', tags: ['a', { b: [1, 2] }] } },
      { kind: 'record', position: { line: 3, offset: Buffer.from(text).indexOf('{"id": 2'), index: 1 }, raw: '{"id": 2, "text": "brackets ] } [ { in a string"}', value: { id: 2, text: 'brackets ] } [ { in a string' } },
    ]);
  });

  it('gives the same items whatever the chunk size', async () => {
    const whole = await parse(text);
    for (const size of [1, 2, 3, 7, 16]) expect(await parse(text, {}, size)).toEqual(whole);
  });

  it('reads the records under a key of a top-level object and reports the other keys', async () => {
    const envelope: [string, unknown][] = [];
    const items = await parse('{"meta": {"source": "x"}, "data": [{"a": 1}, {"a": 2}], "count": 2}', { path: 'data', onEnvelope: (k, v) => envelope.push([k, v]) }, 5);
    expect(values(items)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(envelope).toEqual([
      ['meta', { source: 'x' }],
      ['count', 2],
    ]);
  });

  it('reads a single top-level object as one record', async () => {
    expect(values(await parse('{"a": 1}'))).toEqual([{ a: 1 }]);
  });

  it('reads an empty array as no record', async () => {
    expect(await parse('[ ]')).toEqual([]);
  });

  it('keeps a 10 MiB string inside an element', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const items = await parse(`[{"blob": "${big}"}, {"n": 2}]`, {}, 1 << 20);
    expect(items).toHaveLength(2);
    expect(items[0].kind === 'record' && (items[0].value.blob as string).length).toBe(big.length);
  });
});

describe('parseJsonArray — hostile input', () => {
  it('rejects an invalid element in the middle and keeps the ones before and after', async () => {
    const items = await parse('[{"a": 1}, {"b": tru}, {"c": 3}]');
    expect(summary(items)).toEqual([
      ['record', 1, { a: 1 }],
      ['rejected', 1, RejectionCode.InvalidJson],
      ['record', 1, { c: 3 }],
    ]);
    expect(items[1]).toMatchObject({ raw: '{"b": tru}', position: { offset: 11, index: 1 } });
  });

  it('rejects elements that are not objects, naming what they are', async () => {
    const items = await parse('[1, "x", null, [], {"ok": true}]');
    expect(items.filter((i) => i.kind === 'rejected').map((i) => (i.kind === 'rejected' ? i.reason : ''))).toEqual([
      'element on line 1 is a number, not an object',
      'element on line 1 is a string, not an object',
      'element on line 1 is null, not an object',
      'element on line 1 is an array, not an object',
    ]);
    expect(values(items)).toEqual([{ ok: true }]);
  });

  it('rejects a deeply nested element naming its depth and the limit, and goes on', async () => {
    const deep = '{"a":'.repeat(100) + '1' + '}'.repeat(100);
    const items = await parse(`[${deep}, {"ok": 1}]`, {}, 64);
    expect(items[0]).toMatchObject({ kind: 'rejected', code: RejectionCode.TooDeep, reason: 'element on line 1 is nested 100 levels deep, over the limit of 64 (maxDepth)' });
    expect(values(items)).toEqual([{ ok: 1 }]);
  });

  it('survives a million nested brackets without recursion', async () => {
    const n = 1_000_000;
    const items = await parse(`[${'['.repeat(n)}${']'.repeat(n)}, {"ok": 1}]`, { maxRecordBytes: 4 * n }, 1 << 16);
    expect(items[0]).toMatchObject({ kind: 'rejected', code: RejectionCode.TooDeep });
    expect(values(items)).toEqual([{ ok: 1 }]);
  });

  it('resynchronises a pretty-printed array after a broken element (unterminated string)', async () => {
    const text = '[\n  {\n    "a": 1\n  },\n  {\n    "b": "unterminated\n  },\n  {\n    "c": 3\n  }\n]\n';
    for (const size of [0, 4]) {
      const items = await parse(text, {}, size);
      expect(summary(items)).toEqual([
        ['record', 2, { a: 1 }],
        ['rejected', 5, RejectionCode.Unrecoverable],
        ['record', 8, { c: 3 }],
      ]);
      expect(items[1]).toMatchObject({ raw: '{\n    "b": "unterminated\n  },\n  ', position: { offset: 24, index: 1 } });
      expect(items[1].kind === 'rejected' && items[1].reason).toBe(
        'invalid JSON: line break inside a string on line 6 (unterminated string?); skipped to line 8, where the next element seems to start',
      );
    }
  });

  it('resynchronises after a missing closing brace found only at the end of the array', async () => {
    const items = await parse('[\n  {"a": 1,\n  {"b": 2},\n  {"c": 3}\n]');
    expect(summary(items)).toEqual([
      ['rejected', 2, RejectionCode.Unrecoverable],
      ['record', 3, { b: 2 }],
      ['record', 4, { c: 3 }],
    ]);
  });

  it('cannot resynchronise a compact array: the rest of the file is one rejected item naming the offset', async () => {
    const items = await parse('[{"a":1},{"b":2]},{"c":3}]');
    expect(summary(items)).toEqual([
      ['record', 1, { a: 1 }],
      ['rejected', 1, RejectionCode.Unrecoverable],
    ]);
    expect(items[1]).toMatchObject({ raw: '{"b":2]},{"c":3}]', position: { offset: 9, index: 1 } });
    expect(items[1].kind === 'rejected' && items[1].reason).toContain('the rest of the file (from offset 9) is rejected as one item');
  });

  it('reports a file cut inside the array as TRUNCATED after the complete elements', async () => {
    expect(summary(await parse('[{"a":1},{"b":2}'))).toEqual([
      ['record', 1, { a: 1 }],
      ['record', 1, { b: 2 }],
      ['fatal', FatalCode.Truncated],
    ]);
    expect(summary(await parse('[{"a":1},{"b":'))).toEqual([
      ['record', 1, { a: 1 }],
      ['rejected', 1, RejectionCode.InvalidJson],
    ]);
  });

  it('rejects an element that is not UTF-8 (JSON must be), keeping the others', async () => {
    const data = Buffer.concat([Buffer.from('[{"a": "ok"},\n {"a": "caf'), Buffer.from([0xe9]), Buffer.from('"},\n {"a": "end"}]')]);
    const items = await parse(data, {}, 5);
    expect(summary(items)).toEqual([
      ['record', 1, { a: 'ok' }],
      ['rejected', 2, RejectionCode.InvalidEncoding],
      ['record', 3, { a: 'end' }],
    ]);
  });

  it('rejects data after the end of the array', async () => {
    expect(summary(await parse('[{"a":1}] trailing'))).toEqual([
      ['record', 1, { a: 1 }],
      ['rejected', 1, RejectionCode.Unrecoverable],
    ]);
  });

  it('rejects an element over maxRecordBytes without holding it', async () => {
    for (const size of [512, 0]) {
      const items = await parse(`[{"big": "${'y'.repeat(100_000)}"}, {"n": 1}]`, { maxRecordBytes: 1000, rawLimit: 50 }, size);
      expect(items[0]).toMatchObject({ kind: 'rejected', code: RejectionCode.RecordTooLarge, position: { offset: 1, index: 0 } });
      expect(items[0].kind === 'rejected' && items[0].reason).toMatch(/^element on line 1 is 100011 bytes, over the limit of 1000 bytes/);
      expect(items[0].kind === 'rejected' && items[0].raw.length).toBeLessThan(120);
      expect(values(items)).toEqual([{ n: 1 }]);
    }
  });

  it('ends with a fatal item for an empty, binary or non-JSON file, or a missing key', async () => {
    expect(summary(await parse(''))).toEqual([['fatal', FatalCode.EmptyFile]]);
    expect(summary(await parse('  \n '))).toEqual([['fatal', FatalCode.EmptyFile]]);
    expect(summary(await parse(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00])))).toEqual([['fatal', FatalCode.BinaryFile]]);
    expect(await parse('id,name\n1,x\n')).toEqual([
      { kind: 'fatal', position: { line: 1, offset: 0, index: 0 }, code: FatalCode.NotJson, reason: 'not JSON: expected "[" or "{" on line 1, found "i"' },
    ]);
    expect(summary(await parse('{"other": []}', { path: 'data' }))).toEqual([['fatal', FatalCode.NotJson]]);
  });
});

describe('parseJsonArray — back-pressure', () => {
  it('reads no further than consumed and releases the source when the consumer stops', async () => {
    let produced = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.from('[\n');
        for (let i = 0; ; i++) {
          const chunk = Buffer.from(`{"i": ${i}},\n`.repeat(100));
          produced += chunk.length;
          yield chunk;
        }
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const item of parseJsonArray(endless())) {
      expect(item.kind).toBe('record');
      if (++seen === 3000) break;
    }
    expect(produced).toBeLessThan(3000 * 12 + 64 * 1024 + 2048);
    expect(closed).toBe(true);
  });
});

describe('parseJsonArray — resuming', () => {
  const text = '[\n' + Array.from({ length: 30 }, (_, i) => `  {"i": ${i}, "s": "v${i}"}`).join(',\n') + '\n]\n';

  it('resumes after an acknowledged element by byte offset, like resuming by index', async () => {
    const all = await parse(text);
    const ack = all[11].position;
    expect(await parse(text, { startAfter: ack }, 9)).toEqual(all.slice(12));
    expect(await parse(text, { startAfter: { index: ack.index, offset: ack.offset } }, 9)).toEqual(all.slice(12));
    expect(await parse(text, { startAfter: { index: ack.index } })).toEqual(all.slice(12));
  });

  it('resumes inside the array under a key', async () => {
    const wrapped = `{"x": 1, "data": ${text}}`;
    const all = await parse(wrapped, { path: 'data' });
    const ack = all[5].position;
    expect(await parse(wrapped, { path: 'data', startAfter: ack }, 32)).toEqual(all.slice(6));
  });
});
