import { randomUUID } from 'node:crypto';
import { Actor } from '@vigie/shared-auth';
import { LinkView, ObjectView, recordsChanged } from '@vigie/ontology-contracts';
import { OntologyEvents } from './ontology-events';

const actor: Actor = { tenant: 'alpha', subject: 'u-ingest', username: 'alpha-ingest', roles: ['vigie-ingest'], clearance: 'DR', compartments: [], kind: 'user', expiresAt: 4_000_000_000 };
const NOW = '2026-11-28T20:00:00.000Z';

function object(name: string, version = 1): ObjectView {
  return {
    id: randomUUID(),
    type: 'Person',
    version,
    title: name,
    markings: { level: 'NP', compartments: [] },
    provenance: { source: 'bench', line: 1 },
    properties: { fullName: { value: name, marking: { level: 'NP', compartments: [] }, provenance: { source: 'bench', line: 1 } } },
    entityId: null,
    createdAt: NOW,
    updatedAt: NOW,
    deletedAt: null,
  };
}

function link(fromId: string, toId: string): LinkView {
  const markings = { level: 'NP' as const, compartments: [] };
  return { id: randomUUID(), type: 'uses', fromId, toId, directed: true, version: 1, markings, provenance: { source: 'bench' }, properties: {}, validFrom: null, validTo: null, createdAt: NOW, updatedAt: NOW, deletedAt: null };
}

describe('OntologyEvents.recordsChanged', () => {
  const people = Array.from({ length: 40 }, (_, i) => object(`Person ${i} ${'x'.repeat(200)}`));
  const links = people.slice(1).map((p) => link(people[0]!.id, p.id));
  const objects = people.map((o) => ({ change: 'created' as const, object: o }));
  const linkChanges = links.map((l) => ({ change: 'created' as const, link: l }));

  it('carries every change exactly once, split into pages under the size bound', () => {
    const maxBytes = 4 * 1024;
    const pages = OntologyEvents.recordsChanged('alpha', actor, objects, linkChanges, maxBytes);
    expect(pages.length).toBeGreaterThan(1);
    const payloads = pages.map((p) => recordsChanged.payload.parse(p.payload));
    expect(payloads.flatMap((p) => p.objects.map((o) => o.object.id))).toEqual(people.map((o) => o.id));
    expect(payloads.flatMap((p) => p.links.map((l) => l.link.id))).toEqual(links.map((l) => l.id));
    for (const p of payloads) {
      const items = [...p.objects, ...p.links];
      // A page holds more than one change only while they fit in the bound.
      if (items.length > 1) expect(items.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(i)) + 1, 0)).toBeLessThanOrEqual(maxBytes);
      expect(p.tenant).toBe('alpha');
    }
    expect(pages.every((p) => p.subject === 'ontology.v1.events.records.changed')).toBe(true);
  });

  it('puts a change larger than the bound in a page of its own', () => {
    const big = object(`Big ${'y'.repeat(10_000)}`);
    const pages = OntologyEvents.recordsChanged('alpha', actor, [objects[0]!, { change: 'created', object: big }, objects[1]!], [], 2048);
    expect(pages.map((p) => recordsChanged.payload.parse(p.payload).objects.map((o) => o.object.id))).toEqual([[people[0]!.id], [big.id], [people[1]!.id]]);
  });

  it('names a page by its (id, version) pairs: the same page gets the same message id, another version another', () => {
    const [a] = OntologyEvents.recordsChanged('alpha', actor, objects.slice(0, 3), []);
    const [b] = OntologyEvents.recordsChanged('alpha', actor, objects.slice(0, 3), []);
    const [c] = OntologyEvents.recordsChanged('alpha', actor, [objects[0]!, objects[1]!, { change: 'updated', object: { ...people[2]!, version: 2 } }], []);
    expect(a!.msgId).toBe(b!.msgId);
    expect(c!.msgId).not.toBe(a!.msgId);
    expect(a!.payload).toMatchObject({ eventId: a!.msgId });
  });

  it('carries each page encoded once, exactly as JSON.stringify(payload) (what the outbox stores and JetStream receives)', () => {
    const withPurpose: Actor = { ...actor, purpose: { caseRef: 'CASE-1', justification: 'enquête "Saphir" \\ é' } } as Actor;
    for (const who of [actor, withPurpose]) {
      const pages = OntologyEvents.recordsChanged('alpha', who, objects, linkChanges, 4 * 1024);
      expect(pages.length).toBeGreaterThan(1);
      for (const page of pages) expect(page.json).toBe(JSON.stringify(page.payload));
    }
    const [onlyLinks] = OntologyEvents.recordsChanged('alpha', actor, [], linkChanges.slice(0, 2));
    expect(onlyLinks!.json).toBe(JSON.stringify(onlyLinks!.payload));
    expect(JSON.parse(onlyLinks!.json!)).toMatchObject({ objects: [], links: [{ change: 'created' }, { change: 'created' }] });
  });

  it('publishes nothing for a write that changed nothing', () => {
    expect(OntologyEvents.recordsChanged('alpha', actor, [], [])).toEqual([]);
  });
});
