import { Readable } from 'node:stream';
import { FatalCode, ParseItem, RejectionCode } from '../common/parse-item.types';
import { CsvDetection, CsvParseOptions, CsvRow, parseCsv, splitQuoted } from './csv.parser';

function chunks(data: Buffer | string, size = 0): Buffer[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (size <= 0) return [buf];
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function parse(data: Buffer | string, options: CsvParseOptions = {}, size = 0): Promise<ParseItem<CsvRow>[]> {
  const items: ParseItem<CsvRow>[] = [];
  for await (const item of parseCsv(chunks(data, size), options)) items.push(item);
  return items;
}

const records = (items: ParseItem<CsvRow>[]) => items.filter((i) => i.kind === 'record').map((i) => (i.kind === 'record' ? i.value : null));
const rejected = (items: ParseItem<CsvRow>[]) => items.filter((i) => i.kind === 'rejected');

describe('parseCsv — valid input', () => {
  const text = 'id,name,city\r\n1,Jean,Paris\r\n2,"Dupont, Marie","Saint-\r\nÉtienne"\r\n3,"Il dit ""bonjour""",\r\n';

  it('reads the header, quoted fields with delimiters, doubled quotes and embedded newlines, with positions', async () => {
    const items = await parse(text);
    expect(items).toEqual([
      { kind: 'record', position: { line: 2, offset: 14, index: 0 }, raw: '1,Jean,Paris', value: { id: '1', name: 'Jean', city: 'Paris' } },
      {
        kind: 'record',
        position: { line: 3, offset: 28, index: 1 },
        raw: '2,"Dupont, Marie","Saint-\r\nÉtienne"',
        value: { id: '2', name: 'Dupont, Marie', city: 'Saint-\r\nÉtienne' },
      },
      { kind: 'record', position: { line: 5, offset: 66, index: 2 }, raw: '3,"Il dit ""bonjour""",', value: { id: '3', name: 'Il dit "bonjour"', city: '' } },
    ]);
  });

  it('gives the same items whatever the chunk size (records and quotes split across chunks)', async () => {
    const whole = await parse(text);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(await parse(text, {}, size)).toEqual(whole);
  });

  it('reads a Node Readable stream', async () => {
    const items: ParseItem<CsvRow>[] = [];
    for await (const item of parseCsv(Readable.from(chunks(text, 4)))) items.push(item);
    expect(records(items)).toHaveLength(3);
  });

  it.each([
    [';', 'a;b;c\n1;2;3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
    [',', 'a,b;c\n1,2;3\n'],
  ])('detects the delimiter %j', async (delimiter, data) => {
    let detection: CsvDetection | undefined;
    await parse(data, { onDetect: (d) => (detection = d) });
    expect(detection?.delimiter).toBe(delimiter);
    expect(detection?.delimiterDetected).toBe(true);
  });

  it('ignores delimiters inside quotes when detecting', async () => {
    let detection: CsvDetection | undefined;
    const items = await parse('name;note\n"a,b,c";x\n"d,e,f";y\n', { onDetect: (d) => (detection = d) });
    expect(detection?.delimiter).toBe(';');
    expect(records(items)).toEqual([{ name: 'a,b,c', note: 'x' }, { name: 'd,e,f', note: 'y' }]);
  });

  it('skips blank lines (not records) but counts their lines', async () => {
    const items = await parse('a,b\n\n1,2\n\r\n3,4');
    expect(items.map((i) => i.position)).toEqual([
      { line: 3, offset: 5, index: 0 },
      { line: 5, offset: 11, index: 1 },
    ]);
  });

  it('reads CR-only line endings', async () => {
    let detection: CsvDetection | undefined;
    const items = await parse('a,b\r1,2\r3,4\r', { onDetect: (d) => (detection = d) });
    expect(detection?.lineEnding).toBe('\r');
    expect(records(items)).toEqual([{ a: '1', b: '2' }, { a: '3', b: '4' }]);
  });

  it('renames empty and repeated header cells and says so', async () => {
    let detection: CsvDetection | undefined;
    const items = await parse('name,,name\nx,y,z\n', { onDetect: (d) => (detection = d) });
    expect(detection?.columns).toEqual(['name', 'column_2', 'name_2']);
    expect(detection?.renamedColumns).toEqual([
      { column: 2, from: '', to: 'column_2' },
      { column: 3, from: 'name', to: 'name_2' },
    ]);
    expect(records(items)).toEqual([{ name: 'x', column_2: 'y', name_2: 'z' }]);
  });

  it('takes column names from the options when the file has no header row', async () => {
    const items = await parse('1,2\n3,4\n', { header: ['x', 'y'] });
    expect(records(items)).toEqual([{ x: '1', y: '2' }, { x: '3', y: '4' }]);
    expect(items[0].position).toEqual({ line: 1, offset: 0, index: 0 });
  });

  it('keeps a header cell named __proto__ as a plain key', async () => {
    const items = await parse('__proto__,b\n1,2\n');
    const value = records(items)[0] as Record<string, string>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(true);
    expect(value.b).toBe('2');
  });
});

describe('parseCsv — encodings', () => {
  it('skips a UTF-8 byte order mark, counting it in offsets', async () => {
    let detection: CsvDetection | undefined;
    const items = await parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('nom,âge\nÉlise,3\n')]), { onDetect: (d) => (detection = d) });
    expect(detection?.encoding).toEqual({ encoding: 'utf8', bom: true, evidence: 'bom' });
    expect(detection?.columns).toEqual(['nom', 'âge']);
    expect(items[0]).toMatchObject({ position: { line: 2, offset: 12, index: 0 }, value: { nom: 'Élise', âge: '3' } });
  });

  it('reads Windows-1252 when the sample is not UTF-8 (é, €, curly quotes)', async () => {
    const cp1252 = Buffer.concat([Buffer.from('nom;ville\nJos'), Buffer.from([0xe9]), Buffer.from(';Orl'), Buffer.from([0xe9]), Buffer.from('ans '), Buffer.from([0x80, 0x92, 0x9c]), Buffer.from('\n')]);
    let detection: CsvDetection | undefined;
    const items = await parse(cp1252, { onDetect: (d) => (detection = d) });
    expect(detection?.encoding).toEqual({ encoding: 'windows-1252', bom: false, evidence: 'invalid-utf8' });
    expect(records(items)).toEqual([{ nom: 'José', ville: 'Orléans €’œ' }]);
    expect(records(items)[0]?.ville).toBe(new TextDecoder('windows-1252').decode(Buffer.from([0x4f, 0x72, 0x6c, 0xe9, 0x61, 0x6e, 0x73, 0x20, 0x80, 0x92, 0x9c])));
  });

  it('switches to Windows-1252 when an ASCII-looking file shows a Latin-1 byte after the sample', async () => {
    const head = 'id,name\n' + Array.from({ length: 8000 }, (_, i) => `${i},ascii name ${i}`).join('\n') + '\n';
    expect(head.length).toBeGreaterThan(64 * 1024);
    const data = Buffer.concat([Buffer.from(head), Buffer.from('8000,Ren'), Buffer.from([0xe9]), Buffer.from('\n8001,Zo'), Buffer.from([0xeb]), Buffer.from('\n')]);
    const detections: CsvDetection[] = [];
    const items = await parse(data, { onDetect: (d) => detections.push(d) }, 4096);
    expect(rejected(items)).toEqual([]);
    expect(records(items).slice(-2)).toEqual([{ id: '8000', name: 'René' }, { id: '8001', name: 'Zoë' }]);
    expect(detections.at(-1)).toMatchObject({ encoding: { encoding: 'windows-1252' }, switchedAtLine: 8002 });
  });

  it('rejects a record with invalid UTF-8 in a file proven UTF-8 (by its sample), and goes on', async () => {
    const head = 'name\n' + 'Élise Müller\n'.repeat(6000);
    expect(Buffer.byteLength(head)).toBeGreaterThan(64 * 1024);
    const data = Buffer.concat([Buffer.from(head), Buffer.from('bad '), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\nZoé\n')]);
    const items = await parse(data, {}, 10000);
    expect(records(items)).toHaveLength(6001);
    expect(records(items).at(-1)).toEqual({ name: 'Zoé' });
    expect(rejected(items)).toEqual([
      expect.objectContaining({ code: RejectionCode.InvalidEncoding, reason: 'invalid UTF-8 byte sequence on line 6002 (the file was detected as UTF-8)', position: { line: 6002, offset: Buffer.byteLength(head), index: 6000 } }),
    ]);
  });

  it('refuses a UTF-16 file by name', async () => {
    const items = await parse(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]));
    expect(items).toEqual([expect.objectContaining({ kind: 'fatal', code: FatalCode.UnsupportedEncoding, reason: expect.stringContaining('UTF-16') })]);
  });
});

describe('parseCsv — hostile input', () => {
  it('ends an empty file with a fatal EMPTY_FILE', async () => {
    expect(await parse('')).toEqual([{ kind: 'fatal', position: { line: 1, offset: 0, index: 0 }, code: FatalCode.EmptyFile, reason: 'empty file: no bytes to read' }]);
    expect(await parse('\n \r\n')).toEqual([expect.objectContaining({ kind: 'fatal', code: FatalCode.EmptyFile })]);
  });

  it('ends a binary file with a fatal BINARY_FILE naming the NUL byte', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    expect(await parse(png)).toEqual([{ kind: 'fatal', position: { line: 1, offset: 8, index: 0 }, code: FatalCode.BinaryFile, reason: 'binary file: NUL byte at offset 8' }]);
  });

  it('rejects a record holding a NUL byte past the sample', async () => {
    const head = 'a\n' + 'x\n'.repeat(40000);
    const items = await parse(Buffer.concat([Buffer.from(head), Buffer.from('b\0c\nok\n')]), {}, 8192);
    expect(rejected(items)).toEqual([expect.objectContaining({ code: RejectionCode.ControlCharacter, raw: 'b\\0c' })]);
    expect(records(items).at(-1)).toEqual({ a: 'ok' });
  });

  it('rejects a record with a wrong field count, naming both counts, and goes on', async () => {
    const items = await parse('a,b\n1\n1,2,3\n4,5\n');
    expect(rejected(items).map((r) => (r.kind === 'rejected' ? r.reason : ''))).toEqual(['record on line 2 has 1 fields, the header has 2', 'record on line 3 has 3 fields, the header has 2']);
    expect(records(items)).toEqual([{ a: '4', b: '5' }]);
  });

  it('accepts short records and empty extra fields when columnCount is relaxed', async () => {
    const items = await parse('a,b\n1\n1,2,\n1,2,3\n', { columnCount: 'relaxed' });
    expect(records(items)).toEqual([{ a: '1' }, { a: '1', b: '2' }]);
    expect(rejected(items)).toHaveLength(1);
  });

  it('rejects a character after a closing quote as malformed quoting, and goes on', async () => {
    const items = await parse('a,b\n"x"y,2\n3,4\n');
    expect(rejected(items)).toEqual([expect.objectContaining({ code: RejectionCode.MalformedQuote, position: { line: 2, offset: 4, index: 0 } })]);
    expect(records(items)).toEqual([{ a: '3', b: '4' }]);
  });

  it('rejects the line of an unbalanced quote at end of file and parses the lines after it', async () => {
    for (const size of [0, 3]) {
      const items = await parse('a,b\n1,"oops\n3,4\n5,6\n', {}, size);
      expect(items[0]).toEqual({
        kind: 'rejected',
        position: { line: 2, offset: 4, index: 0 },
        raw: '1,"oops',
        code: RejectionCode.UnbalancedQuote,
        reason: 'unbalanced quote: the quoted field opened on line 2 is never closed before the end of the file; line 2 is rejected and parsing resumes on the next line',
      });
      expect(items.slice(1)).toEqual([
        expect.objectContaining({ kind: 'record', position: { line: 3, offset: 12, index: 1 }, value: { a: '3', b: '4' } }),
        expect.objectContaining({ kind: 'record', position: { line: 4, offset: 16, index: 2 }, value: { a: '5', b: '6' } }),
      ]);
    }
  });

  it('accepts a 10 MiB field (the default limit) and rejects a larger one, naming the limit, then goes on', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const data = `id,blob\n1,"${big}"\n2,${big}y\n3,small\n`;
    const items = await parse(data, {}, 1024 * 1024);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ kind: 'record', position: { index: 0, line: 2 } });
    expect(items[0].kind === 'record' && items[0].value.blob.length).toBe(10 * 1024 * 1024);
    expect(items[1]).toMatchObject({
      kind: 'rejected',
      code: RejectionCode.FieldTooLarge,
      reason: 'field "blob" (column 2) on line 3 is 10485761 bytes, over the limit of 10 MiB (maxFieldBytes)',
      position: { index: 1, line: 3 },
    });
    expect(items[1].kind === 'rejected' && items[1].raw.length).toBeLessThan(70 * 1024);
    expect(items[2]).toMatchObject({ kind: 'record', value: { id: '3', blob: 'small' }, position: { index: 2, line: 4 } });
  });

  it('skips a record over maxRecordBytes without holding it, and goes on', async () => {
    const items = await parse(`a\n"${'z'.repeat(5000)}"\nnext\n`, { maxRecordBytes: 1000, rawLimit: 100 }, 256);
    expect(items[0]).toMatchObject({ kind: 'rejected', code: RejectionCode.RecordTooLarge, position: { line: 2, offset: 2, index: 0 } });
    expect(items[0].kind === 'rejected' && items[0].reason).toContain('over the limit of 1000 bytes (maxRecordBytes)');
    expect(items[1]).toMatchObject({ kind: 'record', value: { a: 'next' }, position: { line: 3, index: 1 } });
  });

  it('does not hang on a quote left open over a file larger than maxRecordBytes: one rejected item names the offset', async () => {
    const data = 'a,b\n1,2\n3,"never closed\n' + '4,5\n'.repeat(20000);
    const items = await parse(data, { maxRecordBytes: 4096 }, 4096);
    expect(records(items)).toEqual([{ a: '1', b: '2' }]);
    expect(items[1]).toMatchObject({ kind: 'rejected', code: RejectionCode.UnbalancedQuote, position: { line: 3, offset: 8, index: 1 } });
    expect(items[1].kind === 'rejected' && items[1].reason).toContain('from offset 8');
  });
});

describe('parseCsv — back-pressure', () => {
  it('pulls the source only as fast as items are consumed, and releases it when the consumer stops', async () => {
    let produced = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<Buffer> {
      try {
        yield Buffer.from('id,name\n');
        for (let i = 0; ; i++) {
          const chunk = Buffer.from(Array.from({ length: 100 }, (_, k) => `${i * 100 + k},name\n`).join(''));
          produced += chunk.length;
          yield chunk;
        }
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const item of parseCsv(endless())) {
      expect(item.kind).toBe('record');
      if (++seen === 5000) break;
    }
    // what was read is what was consumed, plus the 64 KiB sample and one chunk
    expect(produced).toBeLessThan(5000 * 12 + 64 * 1024 + 2048);
    expect(closed).toBe(true);
  });
});

describe('parseCsv — resuming', () => {
  const data = 'id,v\n' + Array.from({ length: 50 }, (_, i) => `${i},"val\n${i}"`).join('\n') + '\n';

  it('resumes after an acknowledged item by byte offset, like resuming by index', async () => {
    const all = await parse(data);
    const ack = all[20];
    const byOffset = await parse(data, { startAfter: { index: ack.position.index, offset: ack.position.offset, line: ack.position.line } }, 7);
    const byOffsetCountingLines = await parse(data, { startAfter: { index: ack.position.index, offset: ack.position.offset } }, 64);
    const byIndex = await parse(data, { startAfter: { index: ack.position.index } });
    expect(byOffset).toEqual(all.slice(21));
    expect(byOffsetCountingLines).toEqual(all.slice(21));
    expect(byIndex).toEqual(all.slice(21));
  });
});

describe('splitQuoted', () => {
  it('unescapes doubled quotes and keeps empty trailing fields', () => {
    expect(splitQuoted('"a ""b""",c,', ',')).toEqual(['a "b"', 'c', '']);
    expect(splitQuoted('x,"",""', ',')).toEqual(['x', '', '']);
  });
});
