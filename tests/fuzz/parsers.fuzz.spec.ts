import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { OntologyDocument, ontologyDocumentSchema } from '@vigie/ontology-contracts';
import {
  applyMapping,
  compileMapping,
  FatalCode,
  IngestionTally,
  mapParsedBatches,
  parseCsvBatches,
  parseJsonArrayBatches,
  parseNdjsonBatches,
  ParseItem,
  parseStixBundleBatches,
  PipelineItem,
  RejectionCode,
  StixItem,
} from '@vigie/ingestion-parsers';
import { FuzzSummary } from './fuzz-summary.util';
import { knownDefect } from './known-defects.util';

/**
 * Generated bad input against every public parser of `@vigie/ingestion-parsers` and the mapping
 * compiler. Invariants, for every case: the parser never throws (a bad record is a `rejected`
 * item, a bad file one final `fatal` item), never hangs (each case within CASE_BUDGET_MS), every
 * rejection has a code, a reason in words and a position, and items are numbered 0, 1, 2, … with
 * nothing skipped — so read = records + rejections. Seeded (FUZZ_SEED to explore other inputs;
 * FUZZ_RUNS to scale the number of cases).
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261128);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const CASE_BUDGET_MS = 2_000;
const summary = new FuzzSummary('parsers');
const ROOT = join(__dirname, '../..');

const ontology: OntologyDocument = ontologyDocumentSchema.parse(JSON.parse(readFileSync(join(ROOT, 'libs/ontology/domain/src/lib/default-ontology/default-ontology.json'), 'utf8')));
const REAL_MAPPINGS = ['call-records.mapping.yaml', 'company-registry.mapping.yaml'].map((f) => readFileSync(join(ROOT, 'tests/fixtures/mappings', f), 'utf8'));

const REJECTION_CODES = new Set<string>(Object.values(RejectionCode));
const FATAL_CODES = new Set<string>(Object.values(FatalCode));

function settings(runs = RUNS): fc.Parameters<unknown> {
  return { numRuns: runs, seed: SEED, endOnFailure: true };
}

/** Splits bytes into chunks at the given sizes, so records straddle chunk boundaries. */
function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
  if (sizes.length === 0) return [bytes];
  const out: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const size = sizes[i++ % sizes.length];
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

async function drain<T>(batches: AsyncIterable<T[]>): Promise<{ items: T[]; ms: number }> {
  const started = Date.now();
  const items: T[] = [];
  for await (const batch of batches) items.push(...batch);
  return { items, ms: Date.now() - started };
}

/** The parser invariants; throws (failing the property) naming the broken one. */
function checkItems(items: readonly (ParseItem | StixItem)[], size: number, ms: number): void {
  if (ms > CASE_BUDGET_MS) throw new Error(`one case took ${ms} ms (budget ${CASE_BUDGET_MS} ms)`);
  items.forEach((item, i) => {
    if (item.kind === 'fatal') {
      if (i !== items.length - 1) throw new Error(`a fatal item is not the last (item ${i} of ${items.length})`);
      if (!FATAL_CODES.has(item.code)) throw new Error(`unknown fatal code ${item.code}`);
      if (item.reason.trim().length < 5) throw new Error(`fatal item without a reason: ${JSON.stringify(item)}`);
      return;
    }
    const { line, offset, index } = item.position;
    if (index !== i) throw new Error(`item ${i} has index ${index}: items skipped or repeated`);
    if (!Number.isInteger(line) || line < 1) throw new Error(`item ${i} has line ${line}`);
    if (!Number.isInteger(offset) || offset < 0 || offset > size) throw new Error(`item ${i} has offset ${offset} outside the ${size} bytes read`);
    if (item.kind === 'rejected') {
      if (!REJECTION_CODES.has(item.code)) throw new Error(`unknown rejection code ${item.code}`);
      if (item.reason.trim().length < 5) throw new Error(`rejection without a reason: ${JSON.stringify(item)}`);
    }
  });
}

// ---- generators -------------------------------------------------------------------------------

const NASTY = ['"', '""', ';', ',', '\t', '|', '\n', '\r\n', '\r', ' ', '\u0000', '\u0007', 'é', '\u00e9', '\ufeff', '\u2028', '\ud83d\ude00', '=cmd|', '\\', '{', '}', '[', ']', ':', 'null', '1e999', '-0', '"a"', '\xff'];
const nastyToken = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 4 }));
const nastyText = fc.array(nastyToken, { maxLength: 120 }).map((parts) => parts.join(''));
/** Text as UTF-8, as Windows-1252 bytes, or plain random bytes. */
const nastyBytes = fc.oneof(
  nastyText.map((s) => Buffer.from(s, 'utf8')),
  nastyText.map((s) => Buffer.from(s, 'latin1')),
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
);
const chunkSizes = fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 6 });

/** A valid-looking text damaged in a few places (deleted, inserted, duplicated characters, cut). */
function damaged(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'duplicate', 'cut'), fc.constantFrom(...NASTY));
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => {
    let s = text;
    for (const [at, op, token] of edits) {
      const i = s.length === 0 ? 0 : at % s.length;
      if (op === 'delete') s = s.slice(0, i) + s.slice(i + 1);
      else if (op === 'insert') s = s.slice(0, i) + token + s.slice(i);
      else if (op === 'duplicate') s = s.slice(0, i) + s.slice(i, i + 20) + s.slice(i);
      else s = s.slice(0, i);
    }
    return s;
  });
}

const csvText = fc.oneof(
  nastyText,
  damaged(
    fc.array(fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }).map((rows) => rows.map((r) => r.map((f) => (f.includes(';') || f.includes('"') ? `"${f.replace(/"/g, '""')}"` : f)).join(';')).join('\r\n')),
  ),
);

const jsonValues = fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 });
const deepJson = fc.integer({ min: 30, max: 3_000 }).map((n) => `[${'{"a":'.repeat(n)}1${'}'.repeat(n)}]`);
const jsonArrayText = fc.oneof(nastyText, damaged(jsonValues.map((v) => JSON.stringify(v))), jsonValues.map((v) => JSON.stringify(v)), deepJson);
const ndjsonText = fc.oneof(
  nastyText,
  fc.array(fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), damaged(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null')), nastyText), { maxLength: 12 }).map((lines) => lines.join('\n')),
);

const STIX_TYPES = ['threat-actor', 'intrusion-set', 'malware', 'indicator', 'relationship', 'identity', 'marking-definition', 'ipv4-addr', 'domain-name', 'url', 'file', 'location', 'note', 'x-custom', 'bundle', ''];
const TLP_IDS = ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'marking-definition--00000000-0000-4000-8000-000000000000'];
const stixId = (type: string) => fc.oneof(fc.uuid().map((u) => `${type}--${u}`), fc.string({ maxLength: 20 }));
const stixObject = fc.constantFrom(...STIX_TYPES).chain((type) =>
  fc.record(
    {
      type: fc.constant(type),
      spec_version: fc.constantFrom('2.1', '2.0', 2.1, undefined),
      id: stixId(type),
      created: fc.constantFrom('2024-02-20T09:00:00.000Z', 'yesterday', 12),
      name: fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 2 })),
      value: fc.oneof(fc.ipV4(), fc.domain(), fc.string({ maxLength: 20 })),
      pattern: fc.string({ maxLength: 40 }),
      relationship_type: fc.constantFrom('uses', 'indicates', 'targets', 'made-up', 42),
      source_ref: stixId('indicator'),
      target_ref: stixId('malware'),
      object_marking_refs: fc.array(fc.constantFrom(...TLP_IDS), { maxLength: 2 }),
      confidence: fc.oneof(fc.integer({ min: -10, max: 200 }), fc.string({ maxLength: 3 })),
    },
    { requiredKeys: ['type'] },
  ),
);
const stixBundleValue = fc.record({ type: fc.constantFrom('bundle', 'bundle', 'report'), id: fc.uuid().map((u) => `bundle--${u}`), objects: fc.array(stixObject, { maxLength: 10 }) }, { requiredKeys: ['type'] });
const stixText = fc.oneof(stixBundleValue.map((b) => JSON.stringify(b)), damaged(stixBundleValue.map((b) => JSON.stringify(b))), nastyText, jsonArrayText);
const clearance = fc.option(fc.record({ level: fc.constantFrom('NP', 'DR', 'S', 'TS'), compartments: fc.array(fc.constantFrom('tlp-red', 'cyber'), { maxLength: 2 }) }), { nil: undefined });

const limits = fc.record({
  maxRecordBytes: fc.option(fc.integer({ min: 8, max: 4_096 }), { nil: undefined }),
  rawLimit: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
});

// Mappings: random structures over the mapping vocabulary, damaged real mappings, and noise.
const typeName = fc.oneof(fc.constantFrom(...ontology.objectTypes.map((t) => t.name)), fc.string({ maxLength: 10 }));
const linkName = fc.oneof(fc.constantFrom(...ontology.linkTypes.map((t) => t.name)), fc.string({ maxLength: 10 }));
const field = fc.constantFrom('id', 'name', 'phone', 'a.b', 'x', '', '{id}');
const transform = fc.oneof(
  fc.constantFrom('trim', 'upper', 'lower', 'title', 'collapse', 'bogus'),
  fc.record({ date: fc.oneof(fc.constantFrom('DD/MM/YYYY', 'YYYY-MM-DD HH:mm:ss', 'ISO', 'QQ', '[', 'YYYYYYYY'), fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 })) }),
  fc.record({ split: fc.oneof(fc.constantFrom(';', ''), fc.integer()) }),
  fc.record({ map: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) }),
  fc.record({ replace: fc.record({ from: fc.string({ maxLength: 3 }), to: fc.string({ maxLength: 3 }) }) }),
);
const valueSpec = fc.oneof(
  field,
  fc.record({ field, transforms: fc.array(transform, { maxLength: 3 }), default: fc.jsonValue({ maxDepth: 1 }), required: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })) }, { requiredKeys: [] }),
  fc.record({ template: fc.constantFrom('{id}', 'p:{id', 'x', '', '{}', '{a}{b}') }),
  fc.record({ concat: fc.oneof(fc.array(field, { maxLength: 3 }), fc.record({ fields: fc.array(field, { maxLength: 3 }), separator: fc.jsonValue({ maxDepth: 1 }) })) }),
  fc.record({ const: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ geo: fc.oneof(fc.record({ lat: field, lon: field }), fc.jsonValue({ maxDepth: 1 })) }),
);
const propertyName = fc.constantFrom('fullName', 'name', 'number', 'birthDate', 'point', 'phones', 'aliases', 'durationSeconds', 'startedAt', 'nope');
const objectSpec = fc.record(
  { type: typeName, key: fc.oneof(fc.constantFrom('p:{id}', '{phone}', ''), fc.jsonValue({ maxDepth: 1 })), optional: fc.oneof(fc.boolean(), fc.constant('yes')), properties: fc.dictionary(propertyName, valueSpec, { maxKeys: 4 }) },
  { requiredKeys: [] },
);
const mappingValue = fc.record(
  {
    version: fc.constantFrom(1, 1, 2, '1'),
    name: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
    markings: fc.oneof(fc.record({ level: fc.constantFrom('NP', 'DR', 'S', 'TS', 'XX'), compartments: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }) }), fc.jsonValue({ maxDepth: 1 })),
    objects: fc.dictionary(fc.constantFrom('a', 'b', 'person', '1bad', 'x y'), objectSpec, { maxKeys: 3 }),
    links: fc.array(
      fc.record({ type: linkName, from: fc.constantFrom('a', 'b', 'person', 'zz'), to: fc.constantFrom('a', 'b', 'person', 'zz'), properties: fc.dictionary(propertyName, valueSpec, { maxKeys: 2 }), validFrom: valueSpec }, { requiredKeys: [] }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: [] },
);
const mappingText = fc.oneof(
  mappingValue.map((m) => stringify(m)),
  mappingValue.map((m) => JSON.stringify(m)),
  damaged(fc.constantFrom(...REAL_MAPPINGS)),
  nastyText,
  fc.constantFrom('a: &a [*a]', 'a: &x 1\nb: *y', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${'*a, '.repeat(12)}*a]\nc: [${'*b, '.repeat(12)}*b]`, '{', '- - - -', '? [a]\n: b', '!!binary aGVsbG8=', 'version: 1\nversion: 1', `a: ${'[ '.repeat(300)}`),
);
const record = fc.dictionary(fc.constantFrom('id', 'name', 'phone', 'a', 'x', 'b'), fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 6 });

// ---- properties -------------------------------------------------------------------------------

describe('fuzzing the ingestion parsers and the mapping compiler', () => {
  afterAll(() => {
    const report = summary.report();
    expect(report.total).toBeGreaterThanOrEqual(RUNS * 6);
  });

  it('CSV: never throws or hangs; every rejection says why and where; nothing skipped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvText.map((s) => Buffer.from(s)), nastyBytes), chunkSizes, limits, fc.constantFrom<'strict' | 'relaxed'>('strict', 'relaxed'), async (bytes, sizes, lim, columnCount) => {
        summary.add('csv');
        const { items, ms } = await drain(parseCsvBatches(chunked(bytes, sizes), { ...lim, columnCount, maxFieldBytes: lim.maxRecordBytes }));
        checkItems(items, bytes.length, ms);
      }),
      settings(),
    );
  });

  it('JSON array: never throws or hangs; deep nesting and cut files are refused with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonArrayText.map((s) => Buffer.from(s)), nastyBytes), chunkSizes, limits, async (bytes, sizes, lim) => {
        summary.add('json-array');
        const { items, ms } = await drain(parseJsonArrayBatches(chunked(bytes, sizes), lim));
        checkItems(items, bytes.length, ms);
      }),
      settings(),
    );
  });

  it('NDJSON: never throws or hangs; one item per non-empty line, each bad line rejected with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(ndjsonText.map((s) => Buffer.from(s)), nastyBytes), chunkSizes, limits, async (bytes, sizes, lim) => {
        summary.add('ndjson');
        const { items, ms } = await drain(parseNdjsonBatches(chunked(bytes, sizes), lim));
        checkItems(items, bytes.length, ms);
      }),
      settings(),
    );
  });

  it('STIX: never throws or hangs, whatever the bundle, markings or clearance', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(stixText.map((s) => Buffer.from(s)), nastyBytes), chunkSizes, clearance, async (bytes, sizes, clear) => {
        summary.add('stix');
        const { items, ms } = await drain(parseStixBundleBatches(chunked(bytes, sizes), clear ? { clearance: clear as never } : {}));
        checkItems(items, bytes.length, ms);
        for (const item of items) {
          if (item.kind === 'record' && (!Array.isArray(item.objects) || !Array.isArray(item.links))) throw new Error('a STIX record without objects/links arrays');
        }
      }),
      settings(),
    );
  });

  it('mapping compiler: never throws; a refused mapping lists errors with a path, a line and a message', () => {
    fc.assert(
      fc.property(mappingText, fc.array(record, { maxLength: 4 }), (text, records) => {
        summary.add('mapping');
        const started = Date.now();
        let result: ReturnType<typeof compileMapping>;
        try {
          result = compileMapping(text, ontology, { columns: ['id', 'name', 'phone', 'a', 'x'] });
        } catch (error) {
          const known = knownDefect(error);
          if (!known) throw error;
          summary.add(`known-defect:${known}`);
          return;
        }
        if (!result.ok) {
          if (result.errors.length === 0) throw new Error('refused without an error');
          for (const e of result.errors) {
            if (!e.path || e.message.trim().length < 5 || !(e.line >= 1) || !(e.column >= 1)) throw new Error(`error without path/line/column/message: ${JSON.stringify(e)}`);
          }
        } else {
          for (const r of records) {
            const mapped = applyMapping(result.mapping, r, { recordKey: 'r', line: 1 });
            if (!mapped.ok && mapped.reason.trim().length < 5) throw new Error(`record refused without a reason: ${JSON.stringify(r)}`);
          }
        }
        const ms = Date.now() - started;
        if (ms > CASE_BUDGET_MS) throw new Error(`one case took ${ms} ms`);
      }),
      settings(RUNS),
    );
  });

  it('regression: an unresolvable YAML alias is a mapping error, not a crash (found by this fuzzing)', () => {
    for (const text of ['*y', 'a: &x 1\nb: *y']) {
      const result = compileMapping(text, ontology);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]).toMatchObject({ path: '(syntax)', line: expect.any(Number), message: expect.stringMatching(/\w{5}/) });
    }
  });

  it('parse + map pipeline: read = valid + quarantined on damaged call records', async () => {
    const compiled = compileMapping(REAL_MAPPINGS[0], ontology);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const header = 'numero_appelant;numero_appele;date_debut;duree_s;type_appel;id_cellule;latitude;longitude\r\n';
    const row = fc
      .tuple(fc.constantFrom('06 12 34 56 78', '+33612345678', '', '"0612"'), fc.constantFrom('0612345679', 'x'), fc.constantFrom('01/03/2024 10:00:00', '31/02/2024 10:00:00', 'hier'), fc.constantFrom('12', '-1', 'abc', ''), fc.constantFrom('VOIX', 'SMS', 'FAX'), fc.constantFrom('208-01-1', ''), fc.constantFrom('48,85', '91', 'N'), fc.constantFrom('2,35', '181', ''))
      .map((fields) => fields.join(';'));
    const file = fc.oneof(fc.array(row, { maxLength: 30 }).map((rows) => header + rows.join('\r\n')), damaged(fc.array(row, { maxLength: 30 }).map((rows) => header + rows.join('\r\n'))));
    await fc.assert(
      fc.asyncProperty(file, chunkSizes, async (text, sizes) => {
        summary.add('csv+mapping');
        const bytes = Buffer.from(text);
        const { items, ms } = await drain<PipelineItem>(mapParsedBatches(parseCsvBatches(chunked(bytes, sizes)), compiled.mapping));
        const tally = new IngestionTally();
        for (const item of items) tally.count(item);
        const nonFatal = items.filter((i) => i.kind !== 'fatal').length;
        if (tally.read !== nonFatal || tally.read !== tally.valid + tally.quarantined) throw new Error(`tally ${JSON.stringify(tally)} for ${nonFatal} items`);
        if (ms > CASE_BUDGET_MS) throw new Error(`one case took ${ms} ms`);
        for (const item of items) if (item.kind === 'rejected' && item.reason.trim().length < 5) throw new Error('rejected without a reason');
      }),
      settings(),
    );
  });
});
