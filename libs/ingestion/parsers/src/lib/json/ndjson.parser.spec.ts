import { FatalCode, ParseItem, RejectionCode } from '../common/parse-item.types';
import { JsonRecord } from './json-array.parser';
import { depthExceeds } from './json-depth.util';
import { NdjsonParseOptions, parseNdjson } from './ndjson.parser';

function chunks(data: Buffer | string, size = 0): Buffer[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (size <= 0) return [buf];
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function parse(data: Buffer | string, options: NdjsonParseOptions = {}, size = 0): Promise<ParseItem<JsonRecord>[]> {
  const items: ParseItem<JsonRecord>[] = [];
  for await (const item of parseNdjson(chunks(data, size), options)) items.push(item);
  return items;
}

const summary = (items: ParseItem<JsonRecord>[]) =>
  items.map((i) => (i.kind === 'record' ? [i.position.line, i.value] : i.kind === 'rejected' ? [i.position.line, i.code, i.reason] : ['fatal', i.code]));

describe('parseNdjson', () => {
  const text = '{"a":1}\r\n\n{"b":\n[1]\n{"c":"é"}\n   \n{"d":4}';

  it('reads one object per line; a bad line is rejected with its line number and reading goes on', async () => {
    const items = await parse(text);
    expect(summary(items)).toEqual([
      [1, { a: 1 }],
      [3, RejectionCode.InvalidJson, 'invalid JSON on line 3: Unexpected end of JSON input'],
      [4, RejectionCode.NotAnObject, 'line 4 holds an array, not an object'],
      [5, { c: 'é' }],
      [7, { d: 4 }],
    ]);
    expect(items.map((i) => i.position)).toEqual([
      { line: 1, offset: 0, index: 0 },
      { line: 3, offset: 10, index: 1 },
      { line: 4, offset: 16, index: 2 },
      { line: 5, offset: 20, index: 3 },
      { line: 7, offset: 35, index: 4 },
    ]);
  });

  it('gives the same items whatever the chunk size', async () => {
    const whole = await parse(text);
    for (const size of [1, 2, 5, 11]) expect(await parse(text, {}, size)).toEqual(whole);
  });

  it('rejects a line nested deeper than maxDepth', async () => {
    const deep = '{"a":'.repeat(70) + '1' + '}'.repeat(70);
    expect(summary(await parse(`${deep}\n{"ok":1}\n`))).toEqual([
      [1, RejectionCode.TooDeep, 'line 1 nests deeper than the limit of 64 levels (maxDepth)'],
      [2, { ok: 1 }],
    ]);
    expect(summary(await parse(`${deep}\n`, { maxDepth: 100 }))).toHaveLength(1);
    expect((await parse(`${deep}\n`, { maxDepth: 100 }))[0].kind).toBe('record');
  });

  it('rejects a line over maxRecordBytes without holding it', async () => {
    const items = await parse(`{"x":"${'z'.repeat(5000)}"}\n{"ok":1}\n`, { maxRecordBytes: 1000 }, 300);
    expect(items[0]).toMatchObject({ kind: 'rejected', code: RejectionCode.RecordTooLarge, position: { line: 1, offset: 0, index: 0 } });
    expect(items[1]).toMatchObject({ kind: 'record', value: { ok: 1 }, position: { line: 2, index: 1 } });
  });

  it('rejects a line that is not UTF-8', async () => {
    const items = await parse(Buffer.concat([Buffer.from('{"a":"ok"}\n'.repeat(7000)), Buffer.from('{"a":"'), Buffer.from([0xe9]), Buffer.from('"}\n{"a":"end"}\n')]), {}, 4096);
    expect(items.filter((i) => i.kind === 'rejected')).toEqual([expect.objectContaining({ code: RejectionCode.InvalidEncoding, position: expect.objectContaining({ line: 7001 }) })]);
    expect(items.at(-1)).toMatchObject({ kind: 'record', value: { a: 'end' } });
  });

  it('ends with a fatal item for an empty or binary file', async () => {
    expect(summary(await parse(''))).toEqual([['fatal', FatalCode.EmptyFile]]);
    expect(summary(await parse(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00])))).toEqual([['fatal', FatalCode.BinaryFile]]);
  });

  it('resumes after an acknowledged line by offset or by index', async () => {
    const data = Array.from({ length: 40 }, (_, i) => JSON.stringify({ i })).join('\n') + '\n';
    const all = await parse(data);
    const ack = all[16].position;
    expect(await parse(data, { startAfter: ack }, 10)).toEqual(all.slice(17));
    expect(await parse(data, { startAfter: { index: ack.index, offset: ack.offset } }, 10)).toEqual(all.slice(17));
    expect(await parse(data, { startAfter: { index: ack.index } })).toEqual(all.slice(17));
  });
});

describe('depthExceeds', () => {
  it('counts objects and arrays and stops at the limit', () => {
    expect(depthExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(depthExceeds({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(depthExceeds('text', 0)).toBe(false);
  });
});
