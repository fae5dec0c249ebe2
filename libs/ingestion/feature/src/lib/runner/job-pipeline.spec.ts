import { compileMapping, parseCsvBatches, ParseItem } from '@vigie/ingestion-parsers';
import { OntologyDocument } from '@vigie/ontology-contracts';
import { dedupeBatch, JobPipeline, PipelineStep } from './job-pipeline';

const label = (en: string) => ({ en, fr: en });
const ONTOLOGY = {
  version: 1,
  objectTypes: [
    {
      name: 'Person',
      label: label('Person'),
      titleProperty: 'fullName',
      identityKeys: [],
      properties: [{ name: 'fullName', kind: 'string', label: label('Full name'), required: true, multiple: false, searchable: true }],
    },
    {
      name: 'Phone',
      label: label('Phone'),
      titleProperty: 'number',
      identityKeys: [{ property: 'number', strength: 'strong' }],
      properties: [{ name: 'number', kind: 'identifier', normaliser: 'phone', label: label('Number'), required: true, multiple: false, searchable: false }],
    },
  ],
  linkTypes: [{ name: 'uses', label: label('uses'), from: ['Person'], to: ['Phone'], directed: true, properties: [], hasValidity: true }],
} as unknown as OntologyDocument;

const MAPPING = `
version: 1
objects:
  person: { type: Person, key: "person:{id}", properties: { fullName: name } }
  phone: { type: Phone, key: "phone:{phone}", optional: true, properties: { number: phone } }
links:
  - { type: uses, from: person, to: phone }
`;

function csv(rows: number): Buffer {
  const lines = ['id,name,phone'];
  for (let i = 0; i < rows; i++) {
    if (i % 7 === 3) lines.push(`${i},broken`); // wrong column count: quarantined by the parser
    else if (i % 11 === 5) lines.push(`${i},,+33600000000`); // no name: refused by the mapping
    else lines.push(`${i},Person ${i},+3361${String(i % 50).padStart(7, '0')}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

const mapping = (() => {
  const r = compileMapping(MAPPING, ONTOLOGY);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.mapping;
})();

async function run(file: Buffer, from?: PipelineStep['checkpoint']): Promise<PipelineStep[]> {
  const pipeline = new JobPipeline({
    jobId: '00000000-0000-4000-8000-000000000001',
    source: 'test',
    startSeq: from?.nextSeq ?? 0,
    counts: { read: from?.read ?? 0, valid: from?.valid ?? 0, parseQuarantined: from?.parseQuarantined ?? 0 },
    position: from?.position ?? null,
    mapping,
    markings: { level: 'NP', compartments: [] },
    maxItems: 30,
    quarantineFlush: 5,
  });
  const steps: PipelineStep[] = [];
  const startAfter = from?.position ? { startAfter: from.position } : {};
  for await (const batch of parseCsvBatches([file.subarray(0, 700), file.subarray(700)], startAfter)) {
    for (const item of batch as ParseItem[]) {
      if (item.kind === 'fatal') throw new Error(item.reason);
      steps.push(...pipeline.add(item));
    }
  }
  steps.push(pipeline.end());
  return steps;
}

describe('JobPipeline', () => {
  it('accounts for every record at every checkpoint: read = valid + quarantined, quarantined ones listed once', async () => {
    const steps = await run(csv(200));
    const last = steps[steps.length - 1].checkpoint;
    expect(last.readerDone).toBe(true);
    expect(last.read).toBe(200);
    expect(last.read).toBe(last.valid + last.parseQuarantined);
    const quarantined = steps.flatMap((s) => s.checkpoint.quarantine);
    expect(quarantined).toHaveLength(last.parseQuarantined);
    expect(new Set(quarantined.map((q) => q.index)).size).toBe(quarantined.length);
    expect(quarantined.find((q) => q.code === 'COLUMN_COUNT')).toMatchObject({ stage: 'parse', line: 5, index: 3 });
    expect(quarantined.find((q) => q.code === 'MAPPING_FAILED')).toMatchObject({ stage: 'map', index: 5 });
    const records = steps.reduce((n, s) => n + (s.batch?.records ?? 0), 0);
    expect(records).toBe(last.valid);
    for (const s of steps) expect(s.checkpoint.read).toBe(s.checkpoint.valid + s.checkpoint.parseQuarantined);
    // seqs are consecutive and each checkpoint names the next one
    const seqs = steps.filter((s) => s.batch).map((s) => s.batch!.batch.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(steps[steps.length - 1].batch!.batch.last).toBe(true);
  });

  it('re-cuts the same batches (seq, Nats-Msg-Id, content) when resumed from any checkpoint', async () => {
    const file = csv(200);
    const full = await run(file);
    for (const k of [0, 2, Math.floor(full.length / 2), full.length - 2]) {
      const resumed = await run(file, full[k].checkpoint);
      const expected = full.slice(k + 1);
      expect(resumed.map((s) => s.batch && [s.batch.msgId, s.batch.batch.batchId, JSON.stringify(s.batch.batch)])).toEqual(
        expected.map((s) => s.batch && [s.batch.msgId, s.batch.batch.batchId, JSON.stringify(s.batch.batch)]),
      );
      expect(resumed.map((s) => s.checkpoint)).toEqual(expected.map((s) => s.checkpoint));
    }
  });

  it('uses the record index as recordKey, so the ontology can name the record it refuses', async () => {
    const steps = await run(csv(20));
    const objects = steps.flatMap((s) => s.batch?.batch.objects ?? []);
    expect(objects[0].provenance).toMatchObject({ recordKey: '0', line: 2 });
  });
});

describe('dedupeBatch', () => {
  const phone = (recordKey: string, number = '+33612345678') => ({
    type: 'Phone',
    sourceKey: `phone:${number}`,
    properties: { number },
    markings: { level: 'NP' as const, compartments: [] },
    provenance: { recordKey },
  });

  it('drops an object repeated later in the batch with the same content, keeps repeats that differ', () => {
    const batch = { objects: [phone('1'), phone('2'), { ...phone('3'), properties: { number: '+33612345678', operator: 'x' } }], links: [] };
    expect(dedupeBatch(batch).objects.map((o) => o.provenance.recordKey)).toEqual(['2', '3']);
    const same = { objects: [phone('1'), phone('2')], links: [] };
    expect(dedupeBatch(same).objects.map((o) => o.provenance.recordKey)).toEqual(['2']);
    const distinct = { objects: [phone('1', '+33600000001'), phone('2', '+33600000002')], links: [] };
    expect(dedupeBatch(distinct)).toBe(distinct);
  });

  it('keys links as the ontology writer does: an unnamed end source is the batch source', () => {
    const link = (recordKey: string, fromSource?: string) => ({
      type: 'uses',
      fromSourceKey: 'p:1',
      ...(fromSource ? { fromSource } : {}),
      toSourceKey: 'phone:1',
      properties: {},
      markings: { level: 'NP' as const, compartments: [] },
      provenance: { recordKey },
    });
    const batch = { source: 'registry', objects: [], links: [link('1', 'registry'), link('2')] };
    // Same link for the writer (same key) but not the same content: both kept, not merged silently.
    expect(dedupeBatch(batch).links).toHaveLength(2);
    const same = { source: 'registry', objects: [], links: [link('1'), link('2')] };
    expect(dedupeBatch(same).links.map((l) => l.provenance.recordKey)).toEqual(['2']);
  });
});
