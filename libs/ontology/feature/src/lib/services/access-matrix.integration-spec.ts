import { ObjectView, OntologyExceptionCode } from '@vigie/ontology-contracts';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { actorOf, OntologyKit, PROVENANCE, startKit, tenantName } from '../../test/test-kit';
import { ObjectsController } from '../controllers/objects.controller';
import { OntologyReadGuard } from './read-guard.service';

/**
 * The access matrix over every read path (get, list, count, links, properties, history, diff)
 * for readers of different clearances and compartments, in two tenants: what a reader may not
 * see is absent — 404 on get, missing from lists and counts, links to it hidden, properties
 * marked above them omitted — and filters never match on a value they may not see.
 */
describe('need-to-know inside the queries (real PostgreSQL)', () => {
  let kit: OntologyKit;
  const alpha = tenantName('alpha');
  const bravo = tenantName('bravo');
  const writer = actorOf(alpha, 'TS', ['op-saphir', 'cyber'], ['vigie-analyst'], 'writer');
  const np = actorOf(alpha, 'NP');
  const dr = actorOf(alpha, 'DR');
  const s = actorOf(alpha, 'S');
  const tsSaphir = actorOf(alpha, 'TS', ['op-saphir']);
  const tsCyber = actorOf(alpha, 'TS', ['cyber']);
  const otherTenant = actorOf(bravo, 'TS', ['op-saphir', 'cyber']);
  const NP = { level: 'NP' as const, compartments: [] };

  let open: ObjectView; // NP person, nationalIds marked DR by the type's default marking
  let secret: ObjectView; // S organisation
  let saphir: ObjectView; // TS [op-saphir] person
  let phone: ObjectView; // NP phone
  const links: Record<string, string> = {};

  beforeAll(async () => {
    kit = await startKit();
    open = await kit.objects.create(writer, {
      type: 'Person',
      properties: { fullName: 'Claire Fontaine', nationalIds: ['880692310285'], birthDate: '1985-05-07' },
      markings: NP,
      provenance: PROVENANCE,
    });
    secret = await kit.objects.create(writer, { type: 'Organization', properties: { name: 'Société Écran SARL' }, markings: { level: 'S', compartments: [] }, provenance: PROVENANCE });
    saphir = await kit.objects.create(writer, { type: 'Person', properties: { fullName: 'Agent Saphir' }, markings: { level: 'TS', compartments: ['op-saphir'] }, provenance: PROVENANCE });
    phone = await kit.objects.create(writer, { type: 'Phone', properties: { number: '+33 6 12 34 56 78' }, markings: NP, provenance: PROVENANCE });
    links['open-phone'] = (await kit.links.create(writer, { type: 'uses', fromId: open.id, toId: phone.id, properties: {}, markings: NP, provenance: PROVENANCE })).id;
    links['open-secret'] = (await kit.links.create(writer, { type: 'works_for', fromId: open.id, toId: secret.id, properties: {}, markings: NP, provenance: PROVENANCE })).id;
    links['saphir-phone'] = (await kit.links.create(writer, { type: 'uses', fromId: saphir.id, toId: phone.id, properties: {}, markings: NP, provenance: PROVENANCE })).id;
  });
  afterAll(() => kit.close());

  it('stored the identifier normalised and the property with its default marking', () => {
    expect(open.properties['nationalIds']).toMatchObject({ marking: { level: 'DR', compartments: [] } });
    expect(phone.properties['number']?.value).toBe('+33612345678');
  });

  const visibleObjects = () => ({ open: open.id, secret: secret.id, saphir: saphir.id, phone: phone.id });
  const matrix: [string, () => ReturnType<typeof actorOf>, string[]][] = [
    ['NP', () => np, ['open', 'phone']],
    ['DR', () => dr, ['open', 'phone']],
    ['S', () => s, ['open', 'phone', 'secret']],
    ['TS [op-saphir]', () => tsSaphir, ['open', 'phone', 'secret', 'saphir']],
    ['TS [cyber]', () => tsCyber, ['open', 'phone', 'secret']],
    ['another tenant, TS all compartments', () => otherTenant, []],
  ];

  it.each(matrix)('get: %s sees exactly its objects, the others are 404 OBJECT_NOT_FOUND', async (_name, reader, expected) => {
    for (const [key, id] of Object.entries(visibleObjects())) {
      const got = await kit.objects.get(reader(), id).catch((e: { code: string }) => e.code);
      if (expected.includes(key)) expect([key, typeof got === 'string' ? got : got.id]).toEqual([key, id]);
      else expect([key, got]).toEqual([key, OntologyExceptionCode.ObjectNotFound]);
    }
  });

  it.each(matrix)('list and count: %s gets exactly its objects', async (_name, reader, expected) => {
    const page = await kit.objects.list(reader(), { filters: [], includeDeleted: false, limit: 50 });
    const ids = Object.entries(visibleObjects()).filter(([k]) => expected.includes(k)).map(([, id]) => id);
    expect(page.items.map((o) => o.id).sort()).toEqual(ids.sort());
    expect(await kit.objects.count(reader(), { filters: [], includeDeleted: false })).toBe(ids.length);
  });

  it.each(matrix)('count through its handler (audited, purpose rule): %s counts what it may see; without a purpose nothing marked S or above', async (_name, reader, expected) => {
    const controller = new ObjectsController(kit.objects, new OntologyReadGuard(new AuditRecorder(kit.publisher, { service: 'ontology' })));
    const level: Record<string, string> = { open: 'NP', phone: 'NP', secret: 'S', saphir: 'TS' };
    const withPurpose = { ...reader(), purpose: { caseRef: 'CASE-MATRIX', justification: 'access matrix' } };
    expect((await controller.count({ filters: [], includeDeleted: false }, withPurpose)).count).toBe(expected.length);
    expect((await controller.count({ filters: [], includeDeleted: false }, reader())).count).toBe(expected.filter((k) => level[k] === 'NP').length);
  });

  it.each(matrix)('links: %s sees a link only when both ends are visible', async (_name, reader, expected) => {
    const expectedLinks = Object.entries({ 'open-phone': ['open', 'phone'], 'open-secret': ['open', 'secret'], 'saphir-phone': ['saphir', 'phone'] })
      .filter(([, ends]) => ends.every((e) => expected.includes(e)))
      .map(([k]) => links[k]);
    const page = await kit.links.list(reader(), { objectId: phone.id, direction: 'both', filters: [], includeDeleted: false, limit: 50 });
    const all = await kit.links.list(reader(), { direction: 'both', filters: [], includeDeleted: false, limit: 50 });
    expect(all.items.map((l) => l.id).sort()).toEqual(expectedLinks.sort());
    expect(page.items.every((l) => expectedLinks.includes(l.id))).toBe(true);
    expect(await kit.links.count(reader(), { direction: 'both', filters: [], includeDeleted: false })).toBe(expectedLinks.length);
    for (const [key, id] of Object.entries(links)) {
      const got = await kit.links.get(reader(), id).then((l) => l.id, (e: { code: string }) => e.code);
      expect([key, got]).toEqual([key, expectedLinks.includes(id) ? id : OntologyExceptionCode.LinkNotFound]);
    }
  });

  it('properties: a property marked above the reader is omitted, the rest of the object shown', async () => {
    const seenByNp = await kit.objects.get(np, open.id);
    expect(Object.keys(seenByNp.properties).sort()).toEqual(['birthDate', 'fullName']);
    expect(seenByNp.title).toBe('Claire Fontaine');
    const seenByDr = await kit.objects.get(dr, open.id);
    expect(seenByDr.properties['nationalIds']?.value).toEqual(['FR:880692310285']);
    expect(Object.keys(seenByDr.properties).sort()).toEqual(['birthDate', 'fullName', 'nationalIds']);
    const listed = await kit.objects.list(np, { type: 'Person', filters: [], includeDeleted: false, limit: 10 });
    expect(listed.items[0]?.properties['nationalIds']).toBeUndefined();
  });

  it('filters never match on a value the reader may not see', async () => {
    const nationalId = (await kit.objects.get(dr, open.id)).properties['nationalIds']?.value as string[];
    const filter = { property: 'nationalIds', op: 'eq' as const, value: nationalId[0] };
    expect((await kit.objects.list(dr, { type: 'Person', filters: [filter], includeDeleted: false, limit: 10 })).items.map((o) => o.id)).toEqual([open.id]);
    expect((await kit.objects.list(np, { type: 'Person', filters: [filter], includeDeleted: false, limit: 10 })).items).toEqual([]);
    expect(await kit.objects.count(np, { type: 'Person', filters: [{ property: 'nationalIds', op: 'exists', value: true }], includeDeleted: false })).toBe(0);
    // Identifier filters are normalised like stored values.
    expect((await kit.objects.list(np, { type: 'Phone', filters: [{ property: 'number', op: 'eq', value: '06 12 34 56 78' }], includeDeleted: false, limit: 10 })).items.map((o) => o.id)).toEqual([phone.id]);
  });

  it('writes: cannot mark above oneself, cannot touch a hidden property, cannot reach a hidden object', async () => {
    await expect(kit.objects.create(np, { type: 'Phone', properties: { number: '+33 1 40 00 00 00' }, markings: { level: 'S', compartments: [] }, provenance: PROVENANCE })).rejects.toMatchObject({
      code: OntologyExceptionCode.MarkingAboveClearance,
    });
    await expect(kit.objects.update(np, { id: open.id, expectedVersion: 1, set: { nationalIds: null }, provenance: PROVENANCE })).rejects.toMatchObject({
      code: OntologyExceptionCode.MarkingAboveClearance,
    });
    await expect(kit.objects.update(np, { id: open.id, expectedVersion: 1, set: {}, propertyMarkings: { nationalIds: NP }, provenance: PROVENANCE })).rejects.toMatchObject({
      code: OntologyExceptionCode.MarkingAboveClearance,
    });
    await expect(kit.objects.update(np, { id: secret.id, expectedVersion: 1, set: { name: 'x' }, provenance: PROVENANCE })).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
    await expect(kit.objects.remove(np, secret.id, undefined, undefined)).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
    await expect(kit.links.create(np, { type: 'works_for', fromId: open.id, toId: secret.id, properties: {}, markings: NP, provenance: PROVENANCE })).rejects.toMatchObject({
      code: OntologyExceptionCode.LinkEndpointNotFound,
    });
    // Nothing changed.
    expect((await kit.objects.get(writer, open.id)).version).toBe(1);
  });

  it('history and diff hide values and versions above the reader', async () => {
    const updated = await kit.objects.update(dr, { id: open.id, expectedVersion: 1, set: { nationalIds: ['041275012345'], occupation: 'Comptable' }, provenance: PROVENANCE });
    expect(updated.version).toBe(2);
    const npHistory = await kit.objects.history(np, open.id, undefined, 10);
    expect(npHistory.items.map((v) => [v.version, v.change, v.changedProperties])).toEqual([
      [2, 'updated', ['occupation']],
      [1, 'created', ['birthDate', 'fullName']],
    ]);
    const drHistory = await kit.objects.history(dr, open.id, undefined, 10);
    expect(drHistory.items[0]?.changedProperties).toEqual(['nationalIds', 'occupation']);
    const npDiff = await kit.objects.diff(np, open.id, 1, 2);
    expect(npDiff.changes.map((c) => (c.target === 'property' ? `${c.kind}:${c.property}` : c.target))).toEqual(['added:occupation']);
    const drDiff = await kit.objects.diff(dr, open.id, 1, 2);
    expect(drDiff.changes.map((c) => (c.target === 'property' ? `${c.kind}:${c.property}` : c.target))).toEqual(['modified:nationalIds', 'added:occupation']);
    await expect(kit.objects.history(np, secret.id, undefined, 10)).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
    await expect(kit.objects.diff(otherTenant, open.id, 1, 2)).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
  });

  it('a soft-deleted object leaves lists and takes its links with it; restore brings both back', async () => {
    const deleted = await kit.objects.remove(writer, phone.id, undefined, 'duplicate line');
    expect(deleted.deletedAt).not.toBeNull();
    expect((await kit.objects.list(np, { filters: [], includeDeleted: false, limit: 50 })).items.map((o) => o.id)).toEqual([open.id]);
    expect((await kit.objects.list(np, { filters: [], includeDeleted: true, limit: 50 })).items.map((o) => o.id).sort()).toEqual([open.id, phone.id].sort());
    expect(await kit.links.count(np, { direction: 'both', filters: [], includeDeleted: false })).toBe(0);
    await expect(kit.objects.remove(writer, phone.id, undefined, undefined)).rejects.toMatchObject({ code: OntologyExceptionCode.AlreadyDeleted });
    const restored = await kit.objects.restore(writer, phone.id, deleted.version, undefined);
    expect(restored).toMatchObject({ deletedAt: null, version: deleted.version + 1 });
    expect(await kit.links.count(np, { direction: 'both', filters: [], includeDeleted: false })).toBe(1);
    const history = await kit.objects.history(np, phone.id, undefined, 10);
    expect(history.items.map((v) => v.change)).toEqual(['restored', 'deleted', 'created']);
  });
});
