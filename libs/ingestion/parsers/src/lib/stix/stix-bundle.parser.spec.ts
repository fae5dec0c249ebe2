import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchLinkSchema, batchObjectSchema, ontologyDocumentSchema } from '@vigie/ontology-contracts';
import { FatalCode, RejectionCode } from '../common/parse-item.types';
import { parseStixBundle, StixItem, StixParseOptions } from './stix-bundle.parser';
import { checkStixOntology, STIX_ONTOLOGY_EXTENSION } from './stix-ontology';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const id = (type: string, n: number) => `${type}--${uuid(n)}`;
const TLP_AMBER_V1 = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';
const TLP_RED_V2 = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';
const CUSTOM_TLP = id('marking-definition', 900);
const created = '2024-01-02T03:04:05.000Z';
const sdo = (type: string, n: number, extra: Record<string, unknown> = {}) => ({ type, spec_version: '2.1', id: id(type, n), created, modified: created, ...extra });

const OBJECTS: Record<string, unknown>[] = [
  { type: 'marking-definition', spec_version: '2.1', id: CUSTOM_TLP, created, extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'amber+strict' } }, name: 'TLP:AMBER+STRICT' },
  sdo('identity', 1, { name: 'ACME Corp', identity_class: 'organization', sectors: ['energy', 'defense'], description: 'A target' }),
  sdo('identity', 2, { name: 'Jane Analyst', identity_class: 'individual' }),
  sdo('threat-actor', 3, { name: 'APT Zéro', aliases: ['Zero'], threat_actor_types: ['nation-state'], first_seen: '2020-01-01T00:00:00Z', confidence: 80, object_marking_refs: [TLP_AMBER_V1] }),
  sdo('intrusion-set', 4, { name: 'Set 4', goals: ['espionage'] }),
  sdo('campaign', 5, { name: 'Op Winter', objective: 'steal', object_marking_refs: [TLP_RED_V2] }),
  sdo('malware', 6, { is_family: true, malware_types: ['ransomware'] }),
  sdo('tool', 7, { name: 'Mimikatz', kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'credential-access' }] }),
  sdo('attack-pattern', 8, { name: 'Phishing', external_references: [{ source_name: 'mitre-attack', external_id: 'T1566' }] }),
  sdo('indicator', 9, { pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z', object_marking_refs: [CUSTOM_TLP] }),
  sdo('vulnerability', 10, { name: 'CVE-2021-44228', external_references: [{ source_name: 'cve', external_id: 'CVE-2021-44228' }] }),
  sdo('location', 11, { city: 'Lyon', country: 'FR', latitude: 45.76, longitude: 4.84 }),
  { type: 'ipv4-addr', spec_version: '2.1', id: id('ipv4-addr', 12), value: '198.51.100.1' },
  { type: 'domain-name', spec_version: '2.1', id: id('domain-name', 13), value: 'evil.example', resolves_to_refs: [id('ipv4-addr', 12)] },
  { type: 'email-addr', spec_version: '2.1', id: id('email-addr', 14), value: 'boss@evil.example' },
  { type: 'url', spec_version: '2.1', id: id('url', 15), value: 'https://evil.example/x' },
  { type: 'file', spec_version: '2.1', id: id('file', 16), name: 'dropper.exe', size: 1024, hashes: { 'SHA-256': 'a'.repeat(64), MD5: 'b'.repeat(32) } },
  sdo('observed-data', 17, { first_observed: '2024-01-01T00:00:00Z', last_observed: '2024-01-02T00:00:00Z', number_observed: 3, object_refs: [id('ipv4-addr', 12), id('domain-name', 13)] }),
  sdo('relationship', 18, { relationship_type: 'uses', source_ref: id('threat-actor', 3), target_ref: id('malware', 6), start_time: '2021-01-01T00:00:00Z' }),
  sdo('relationship', 19, { relationship_type: 'located-at', source_ref: id('identity', 1), target_ref: id('location', 11) }),
  sdo('relationship', 20, { relationship_type: 'owns', source_ref: id('identity', 1), target_ref: id('domain-name', 13), description: 'registrant' }),
  sdo('sighting', 21, { sighting_of_ref: id('indicator', 9), where_sighted_refs: [id('identity', 1)], count: 4, first_seen: '2024-01-01T00:00:00Z' }),
  // hostile: unknown type, malformed objects, unknown marking, a relationship to an unmapped type
  sdo('x-custom-thing', 22, { name: 'custom' }),
  sdo('course-of-action', 23, { name: 'Patch' }),
  { type: 'indicator', spec_version: '2.1', id: 'indicator--not-a-uuid', pattern: 'x', pattern_type: 'stix', valid_from: created },
  sdo('indicator', 24, { pattern_type: 'stix', valid_from: created }),
  sdo('threat-actor', 25, { name: 'Marked', object_marking_refs: [id('marking-definition', 999)] }),
  sdo('relationship', 26, { relationship_type: 'mitigates', source_ref: id('course-of-action', 23), target_ref: id('malware', 6) }),
  sdo('malware', 27, { name: 'Bad date', is_family: false, first_seen: 'yesterday' }),
  { type: 'marking-definition', spec_version: '2.1', id: id('marking-definition', 28), created, definition_type: 'pap', definition: { pap: 'red' } },
  { type: 'identity', spec_version: '2.0', id: id('identity', 29), name: 'Old' },
];

function bundle(objects: unknown[] = OBJECTS, pretty = true): string {
  return JSON.stringify({ type: 'bundle', id: id('bundle', 0), objects }, null, pretty ? 2 : undefined);
}

async function parse(text: string, options: StixParseOptions = {}, size = 0): Promise<StixItem[]> {
  const buf = Buffer.from(text);
  const chunks: Buffer[] = [];
  if (size > 0) for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  else chunks.push(buf);
  const items: StixItem[] = [];
  for await (const item of parseStixBundle(chunks, options)) items.push(item);
  return items;
}

describe('parseStixBundle', () => {
  let items: StixItem[];
  beforeAll(async () => {
    items = await parse(bundle(), { markings: { level: 'NP', compartments: [] } }, 97);
  });
  const byIndex = (index: number) => items.find((i) => i.kind !== 'fatal' && i.position.index === index) as StixItem;
  const recordAt = (index: number) => {
    const item = byIndex(index);
    if (item.kind !== 'record') throw new Error(`item ${index} is ${item.kind}: ${JSON.stringify(item)}`);
    return item;
  };

  it('yields one item per object, none dropped: read = records + rejected', () => {
    expect(items).toHaveLength(OBJECTS.length);
    expect(items.map((i) => (i.kind === 'fatal' ? -1 : i.position.index))).toEqual(OBJECTS.map((_, i) => i));
  });

  it('maps SDOs to the ontology types with their properties', () => {
    expect(recordAt(1).objects).toEqual([
      expect.objectContaining({ type: 'Organization', sourceKey: id('identity', 1), properties: { name: 'ACME Corp', notes: 'A target', sector: 'energy, defense' } }),
    ]);
    expect(recordAt(2).objects[0]).toMatchObject({ type: 'Person', properties: { fullName: 'Jane Analyst' } });
    expect(recordAt(3).objects[0]).toMatchObject({
      type: 'ThreatActor',
      properties: { stixId: id('threat-actor', 3), name: 'APT Zéro', aliases: ['Zero'], threatActorTypes: ['nation-state'], firstSeen: '2020-01-01T00:00:00Z', confidence: 80 },
      provenance: { recordKey: '3', line: expect.any(Number) },
    });
    expect(recordAt(6).objects[0].properties).toMatchObject({ name: id('malware', 6), isFamily: true, malwareTypes: ['ransomware'] });
    expect(recordAt(7).objects[0].properties).toMatchObject({ killChainPhases: ['mitre-attack:credential-access'] });
    expect(recordAt(8).objects[0].properties).toMatchObject({ externalId: 'T1566' });
    expect(recordAt(9).objects[0].properties).toMatchObject({ pattern: "[ipv4-addr:value = '198.51.100.1']", patternType: 'stix', validFrom: '2024-01-01T00:00:00Z', name: "[ipv4-addr:value = '198.51.100.1']" });
    expect(recordAt(10).objects[0].properties).toMatchObject({ cve: 'CVE-2021-44228' });
    expect(recordAt(11).objects[0]).toMatchObject({ type: 'Location', properties: { name: 'Lyon, FR', city: 'Lyon', country: 'FR', point: { lat: 45.76, lon: 4.84 } } });
  });

  it('maps SCOs and observed-data, with their links', () => {
    expect(recordAt(12).objects[0]).toMatchObject({ type: 'IpAddress', properties: { address: '198.51.100.1' } });
    expect(recordAt(13).objects[0]).toMatchObject({ type: 'Domain', properties: { name: 'evil.example' } });
    expect(recordAt(13).links).toEqual([expect.objectContaining({ type: 'resolves_to', fromSourceKey: id('domain-name', 13), toSourceKey: id('ipv4-addr', 12) })]);
    expect(recordAt(14).objects[0]).toMatchObject({ type: 'Email', properties: { address: 'boss@evil.example' } });
    expect(recordAt(15).objects[0]).toMatchObject({ type: 'Url', properties: { url: 'https://evil.example/x' } });
    expect(recordAt(16).objects[0]).toMatchObject({ type: 'File', properties: { name: 'dropper.exe', size: 1024, sha256: 'a'.repeat(64), md5: 'b'.repeat(32) } });
    expect(recordAt(17).objects[0]).toMatchObject({ type: 'Observation', properties: { numberObserved: 3 } });
    expect(recordAt(17).links.map((l) => [l.type, l.toSourceKey])).toEqual([
      ['observed', id('ipv4-addr', 12)],
      ['observed', id('domain-name', 13)],
    ]);
  });

  it('maps relationships and sightings to links, unknown relationship types to related_to', () => {
    expect(recordAt(18).objects).toEqual([]);
    expect(recordAt(18).links).toEqual([
      expect.objectContaining({ type: 'employs', sourceKey: id('relationship', 18), fromSourceKey: id('threat-actor', 3), toSourceKey: id('malware', 6), validFrom: '2021-01-01T00:00:00Z', properties: { stixId: id('relationship', 18) } }),
    ]);
    expect(recordAt(19).links[0]).toMatchObject({ type: 'located_at', properties: {} });
    expect(recordAt(20).links[0]).toMatchObject({ type: 'related_to', properties: { description: 'owns: registrant' } });
    expect(recordAt(21).links).toEqual([
      expect.objectContaining({ type: 'sighted', fromSourceKey: id('indicator', 9), toSourceKey: id('identity', 1), validFrom: '2024-01-01T00:00:00Z', properties: { stixId: id('sighting', 21), count: 4 } }),
    ]);
  });

  it('maps TLP markings (standard ids, in-bundle TLP 2.0 definitions) to Vigie markings', () => {
    expect(recordAt(0)).toMatchObject({ stixType: 'marking-definition', objects: [], links: [], note: 'TLP:AMBER+STRICT ⇒ DR + tlp-amber-strict' });
    expect(recordAt(3).objects[0].markings).toEqual({ level: 'DR', compartments: [] });
    expect(recordAt(5).objects[0].markings).toEqual({ level: 'DR', compartments: ['tlp-red'] });
    expect(recordAt(9).objects[0].markings).toEqual({ level: 'DR', compartments: ['tlp-amber-strict'] });
    expect(recordAt(4).objects[0].markings).toEqual({ level: 'NP', compartments: [] });
  });

  it('rejects unknown types, malformed objects and unknown markings with their reason', () => {
    const reasons = items.filter((i) => i.kind === 'rejected').map((i) => (i.kind === 'rejected' ? [i.position.index, i.code, i.reason] : null));
    expect(reasons).toEqual([
      [22, RejectionCode.UnknownStixType, expect.stringContaining('STIX type "x-custom-thing" is not mapped to the ontology')],
      [23, RejectionCode.UnknownStixType, expect.stringContaining('STIX type "course-of-action" is not mapped')],
      [24, RejectionCode.MalformedStix, 'malformed STIX object: indicator: "id" "indicator--not-a-uuid" is not a STIX identifier (<type>--<UUID>)'],
      [25, RejectionCode.MalformedStix, `malformed STIX object: ${id('indicator', 24)}: required property "pattern" is missing or empty`],
      [26, RejectionCode.UnknownMarking, expect.stringContaining(`is marked "${id('marking-definition', 999)}", which is neither a standard TLP marking`)],
      [27, RejectionCode.MalformedStix, expect.stringContaining('source_ref course-of-action--00000000-0000-4000-8000-000000000023 is of type "course-of-action", which is not mapped to the ontology')],
      [28, RejectionCode.MalformedStix, `malformed STIX object: ${id('malware', 27)}: "first_seen" "yesterday" is not a STIX timestamp`],
      [29, RejectionCode.UnknownMarking, expect.stringContaining('marking definition of type "pap" has no Vigie equivalent')],
      [30, RejectionCode.MalformedStix, expect.stringContaining('spec_version "2.0" is not 2.1')],
    ]);
    const rejected = items.find((i) => i.kind === 'rejected');
    expect(rejected?.kind === 'rejected' && JSON.parse(rejected.raw)).toMatchObject({ type: 'x-custom-thing' });
  });

  it('writes objects and links that fit the INGEST batch contract', () => {
    for (const item of items) {
      if (item.kind !== 'record') continue;
      for (const o of item.objects) expect(batchObjectSchema.safeParse(o).success).toBe(true);
      for (const l of item.links) expect(batchLinkSchema.safeParse(l).success).toBe(true);
    }
  });

  it('rejects (never lowers) objects marked above the uploader clearance', async () => {
    const result = await parse(bundle(OBJECTS.slice(0, 6)), { clearance: { level: 'DR', compartments: [] } });
    const rejected = result.filter((i) => i.kind === 'rejected');
    expect(rejected).toEqual([expect.objectContaining({ code: RejectionCode.MarkingAboveClearance, reason: expect.stringContaining('compartment tlp-red is not held'), position: expect.objectContaining({ index: 5 }) })]);
  });

  it('uses an agency TLP table when given', async () => {
    const result = await parse(bundle([OBJECTS[5]]), { tlpMarkings: { clear: { level: 'NP', compartments: [] }, green: { level: 'NP', compartments: [] }, amber: { level: 'DR', compartments: [] }, 'amber+strict': { level: 'DR', compartments: [] }, red: { level: 'S', compartments: [] } } });
    expect(result[0].kind === 'record' && result[0].objects[0].markings).toEqual({ level: 'S', compartments: [] });
  });

  it('reads a bare array of STIX objects', async () => {
    const result = await parse(JSON.stringify(OBJECTS.slice(1, 3)));
    expect(result.map((i) => i.kind)).toEqual(['record', 'record']);
  });

  it('resumes after an acknowledged object, still knowing the marking definitions before it', async () => {
    const all = await parse(bundle());
    const resumed = await parse(bundle(), { startAfter: { index: 5, offset: all[5].kind !== 'fatal' ? all[5].position.offset : 0 } }, 50);
    expect(resumed).toEqual(all.slice(6));
    expect(resumed[3].kind === 'record' && resumed[3].objects[0].markings).toEqual({ level: 'DR', compartments: ['tlp-amber-strict'] });
  });

  it('keeps going past invalid JSON inside a pretty-printed bundle', async () => {
    const text = bundle(OBJECTS.slice(1, 4)).replace('"name": "Jane Analyst"', '"name": "Jane Analyst');
    const result = await parse(text);
    expect(result.map((i) => i.kind)).toEqual(['record', 'rejected', 'record']);
  });

  it('ends with a fatal item when the file is not a STIX bundle', async () => {
    expect(await parse(JSON.stringify({ type: 'report', objects: [] }))).toEqual([expect.objectContaining({ kind: 'fatal', code: FatalCode.NotStixBundle, reason: 'not a STIX bundle: the top-level object has type "report", not "bundle"' })]);
    expect(await parse(JSON.stringify({ type: 'bundle', id: id('bundle', 1) }))).toEqual([expect.objectContaining({ kind: 'fatal', code: FatalCode.NotStixBundle, reason: 'not a STIX bundle: the top-level object has no "objects" array' })]);
    expect(await parse(JSON.stringify({ type: 'bundle', id: id('bundle', 2), spec_version: '2.0', objects: [OBJECTS[1]] }))).toEqual([
      expect.objectContaining({ kind: 'fatal', code: FatalCode.NotStixBundle, reason: 'STIX 2.0 bundle: only STIX 2.1 is read' }),
    ]);
    expect(await parse('')).toEqual([expect.objectContaining({ kind: 'fatal', code: FatalCode.EmptyFile })]);
    expect(await parse('\u0000\u0001binary')).toEqual([expect.objectContaining({ kind: 'fatal', code: FatalCode.BinaryFile })]);
  });
});

describe('STIX ontology extension', () => {
  it('is valid ontology data and covers every type and link the mapping writes', () => {
    expect(STIX_ONTOLOGY_EXTENSION.objectTypes.map((t) => t.name)).toEqual(['ThreatActor', 'IntrusionSet', 'Campaign', 'Malware', 'Tool', 'AttackPattern', 'Indicator', 'Vulnerability', 'File', 'Observation']);
    const label = (en: string) => ({ en, fr: en });
    const minimalDefault = ontologyDocumentSchema.parse({
      version: 1,
      objectTypes: [
        ...STIX_ONTOLOGY_EXTENSION.objectTypes,
        { name: 'Person', label: label('Person'), titleProperty: 'fullName', properties: ['fullName', 'notes'].map((name) => ({ name, kind: 'string', label: label(name) })) },
        { name: 'Organization', label: label('Org'), titleProperty: 'name', properties: ['name', 'notes', 'sector'].map((name) => ({ name, kind: 'string', label: label(name) })) },
        { name: 'Location', label: label('Loc'), titleProperty: 'name', properties: ['name', 'address', 'postalCode', 'city', 'country', 'point'].map((name) => ({ name, kind: 'string', label: label(name) })) },
        ...[['IpAddress', 'address'], ['Domain', 'name'], ['Email', 'address'], ['Url', 'url']].map(([name, p]) => ({ name, label: label(name), titleProperty: p, properties: [{ name: p, kind: 'string', label: label(p) }] })),
      ],
      linkTypes: [
        ...STIX_ONTOLOGY_EXTENSION.linkTypes,
        { name: 'related_to', label: label('r'), from: '*', to: '*', directed: false, properties: [{ name: 'description', kind: 'text', label: label('d') }] },
        { name: 'located_at', label: label('l'), from: '*', to: 'Location', directed: true, properties: [] },
      ],
    });
    expect(checkStixOntology(minimalDefault)).toEqual(['link type resolves_to is missing']);
  });

  const defaultOntologyFile = join(__dirname, '../../../../../ontology/domain/src/lib/default-ontology/default-ontology.json');
  it('fits the default ontology shipped by the ontology service (read from its data file)', () => {
    const shipped = ontologyDocumentSchema.parse(JSON.parse(readFileSync(defaultOntologyFile, 'utf8')));
    const merged = { objectTypes: [...shipped.objectTypes, ...STIX_ONTOLOGY_EXTENSION.objectTypes], linkTypes: [...shipped.linkTypes, ...STIX_ONTOLOGY_EXTENSION.linkTypes] };
    expect(checkStixOntology(merged)).toEqual([]);
    const clashes = STIX_ONTOLOGY_EXTENSION.objectTypes.filter((t) => shipped.objectTypes.some((s) => s.name === t.name)).map((t) => t.name);
    const linkClashes = STIX_ONTOLOGY_EXTENSION.linkTypes.filter((t) => shipped.linkTypes.some((s) => s.name === t.name)).map((t) => t.name);
    expect([...clashes, ...linkClashes]).toEqual([]);
  });
});
