import { compileMapping } from '../mapping/mapping.compiler';
import { TEST_ONTOLOGY } from '../mapping/test-ontology.fixture';
import { parseBatches } from './parse-file.util';
import { IngestionTally, mapParsedBatches, PipelineItem } from './ingest-pipeline.util';
import { RejectionCode } from './parse-item.types';

describe('mapParsedBatches + IngestionTally', () => {
  const mapping = compileMapping('version: 1\nobjects:\n  p:\n    type: Phone\n    key: "{n}"\n    properties: { number: n }\n  q:\n    type: Person\n    key: "{id}"\n    properties: { fullName: name, height: h }\n', TEST_ONTOLOGY);

  it('maps records, turns refused ones into MAPPING_FAILED items, and the counts add up', async () => {
    if (!mapping.ok) throw new Error(JSON.stringify(mapping.errors));
    const csv = 'id,name,n,h\n1,Ann,06,170\n2,Bob,07,tall\n3,"Cy\n4,Dee,08,\n';
    const items: PipelineItem[] = [];
    const tally = new IngestionTally();
    for await (const batch of mapParsedBatches(parseBatches('csv', [Buffer.from(csv)]), mapping.mapping, { markings: { level: 'DR', compartments: [] } })) {
      for (const item of batch) {
        items.push(item);
        tally.count(item);
      }
    }
    expect(items.map((i) => (i.kind === 'rejected' ? i.code : i.kind))).toEqual(['mapped', RejectionCode.MappingFailed, RejectionCode.UnbalancedQuote, 'mapped']);
    expect(items[1]).toMatchObject({ raw: '2,Bob,07,tall', reason: 'line 3: object q (Person): property height expects a number, got "tall" (from field "h")' });
    expect(items[0].kind === 'mapped' && items[0].objects[0]).toMatchObject({ markings: { level: 'DR', compartments: [] }, provenance: { recordKey: '0', line: 2 } });
    expect(tally.toJSON()).toEqual({ read: 4, valid: 2, quarantined: 2, written: 0, merged: 0 });
    expect(tally.balanced()).toBe(false);
    tally.acknowledge(2, 1, 1);
    expect(tally.balanced()).toBe(true);
    expect(tally.toJSON()).toEqual({ read: 4, valid: 2, quarantined: 3, written: 1, merged: 1 });
  });

  it('dispatches JSON and NDJSON to their parsers', async () => {
    const collect = async (format: 'json' | 'ndjson', text: string) => {
      const out: string[] = [];
      for await (const batch of parseBatches(format, [Buffer.from(text)])) for (const item of batch) out.push(item.kind);
      return out;
    };
    expect(await collect('json', '[{"a":1},{"b":2}]')).toEqual(['record', 'record']);
    expect(await collect('ndjson', '{"a":1}\nnope\n')).toEqual(['record', 'rejected']);
  });
});
