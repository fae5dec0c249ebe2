import { JSONCodec, PubAck } from 'nats';
import { AuditExceptionCode } from '@vigie/audit-contracts';
import { AuditEventSink, AuditRecorder } from '@vigie/shared-audit-client';
import { EventContract } from '@vigie/shared-contracts';
import { connectNats, EventPublisher } from '@vigie/shared-messaging';
import { ObjectView } from '@vigie/ontology-contracts';
import { actorOf, OntologyKit, PROVENANCE, startKit, tenantName } from '../../test/test-kit';
import { LinksController } from '../controllers/links.controller';
import { ResolutionController } from '../controllers/resolution.controller';
import { ObjectsController } from '../controllers/objects.controller';
import { OntologyReadGuard } from './read-guard.service';

/**
 * Fail closed on the real stack: the ontology's read handlers, wired on the real PostgreSQL and
 * the real JetStream, answer only once the AUDIT stream acknowledged the read's event — and serve
 * nothing (AUDIT_UNAVAILABLE, 503) when JetStream does not acknowledge it (a subject no stream
 * captures) or cannot be reached (a closed connection).
 */
describe('ontology reads fail closed (real JetStream)', () => {
  let kit: OntologyKit;
  const tenant = tenantName('failclosed');
  const writer = actorOf(tenant, 'TS', ['op-saphir'], ['vigie-analyst'], 'writer');
  const reader = { ...actorOf(tenant, 'S', ['op-saphir']), purpose: { caseRef: 'CASE-FC', justification: 'fail-closed test' } };
  let object: ObjectView;
  let linkId: string;

  const controllers = (sink: AuditEventSink) => {
    const guard = new OntologyReadGuard(new AuditRecorder(sink, { service: 'ontology', timeoutMs: 1500 }));
    return { objects: new ObjectsController(kit.objects, guard), links: new LinksController(kit.links, guard), resolution: new ResolutionController(kit.resolution, guard) };
  };

  beforeAll(async () => {
    kit = await startKit();
    object = await kit.objects.create(writer, { type: 'Person', properties: { fullName: 'Basile Tourmente' }, markings: { level: 'S', compartments: ['op-saphir'] }, provenance: PROVENANCE });
    const phone = await kit.objects.create(writer, { type: 'Phone', properties: { number: '+33 6 98 76 54 32' }, markings: { level: 'NP', compartments: [] }, provenance: PROVENANCE });
    linkId = (await kit.links.create(writer, { type: 'uses', fromId: object.id, toId: phone.id, properties: {}, markings: { level: 'NP', compartments: [] }, provenance: PROVENANCE })).id;
  });
  afterAll(() => kit.close());

  it('answers a read once the AUDIT stream acknowledged its event, which names the object and the purpose', async () => {
    const acks: { ack: PubAck; payload: unknown }[] = [];
    const sink: AuditEventSink = {
      async publish(contract: EventContract, payload: unknown, msgId: string, options?: { timeoutMs?: number }) {
        const ack = await kit.publisher.publish(contract, payload, msgId, options);
        acks.push({ ack, payload });
        return ack;
      },
    };
    const { objects } = controllers(sink);
    const got = await objects.get({ id: object.id }, reader);
    expect(got.id).toBe(object.id);
    expect(acks).toHaveLength(1);
    expect(acks[0]?.ack.stream).toBe('AUDIT');
    expect(acks[0]?.payload).toMatchObject({ action: 'object.read', tenant, outcome: 'success', purpose: reader.purpose, resources: [{ type: 'object', id: object.id }] });
  });

  it('reads of an entity follow the same rules: 428 without a purpose, 404 for a reader who may not see it, audited with its members', async () => {
    const published: unknown[] = [];
    const sink: AuditEventSink = {
      async publish(contract: EventContract, payload: unknown, msgId: string, options?: { timeoutMs?: number }) {
        const ack = await kit.publisher.publish(contract, payload, msgId, options);
        published.push(payload);
        return ack;
      },
    };
    const { resolution } = controllers(sink);
    const twin = (name: string) =>
      kit.objects.create(writer, { type: 'Person', properties: { fullName: name, passportNumbers: ['19FC55821'] }, markings: { level: 'S', compartments: ['op-saphir'] }, provenance: PROVENANCE });
    const first = await twin('Octave Lemaire');
    const second = await twin('Octave Lemaire');
    const entityId = (await kit.objects.get(writer, second.id)).entityId ?? (await kit.objects.get(writer, first.id)).entityId;
    expect(entityId).toBeTruthy();
    const withoutPurpose = { ...reader, purpose: undefined };
    await expect(resolution.entity({ entityId: entityId! }, withoutPurpose)).rejects.toMatchObject({ code: 'PURPOSE_REQUIRED' });
    await expect(resolution.entity({ entityId: entityId! }, actorOf(tenant, 'NP'))).rejects.toMatchObject({ code: 'ONTOLOGY_ENTITY_NOT_FOUND' });
    const entity = await resolution.entity({ entityId: entityId! }, reader);
    expect(entity.memberIds.sort()).toEqual([first.id, second.id].sort());
    expect(published.map((e) => (e as { outcome: string }).outcome)).toEqual(['denied', 'failure', 'success']);
    expect(published[2]).toMatchObject({ action: 'entity.read', resources: expect.arrayContaining([{ type: 'entity', id: entityId }, { type: 'object', id: first.id }, { type: 'object', id: second.id }]) });
  });

  it('serves nothing when JetStream does not acknowledge: every read path answers AUDIT_UNAVAILABLE', async () => {
    const js = kit.nc.jetstream();
    const codec = JSONCodec();
    const sink: AuditEventSink = { publish: (_c, payload, msgId) => js.publish('audit.v1.unstreamed.ontology', codec.encode(payload), { msgID: msgId, timeout: 1000 }) };
    const { objects, links, resolution } = controllers(sink);
    const attempts: [string, () => Promise<unknown>][] = [
      ['get', () => objects.get({ id: object.id }, reader)],
      ['list', () => objects.list({ filters: [], includeDeleted: false, limit: 10 }, reader)],
      ['count', () => objects.count({ filters: [], includeDeleted: false }, reader)],
      ['history', () => objects.history({ id: object.id, limit: 10 }, reader)],
      ['diff', () => objects.diff({ id: object.id, fromVersion: 1, toVersion: 1 }, reader)],
      ['link get', () => links.get({ id: linkId }, reader)],
      ['link list', () => links.list({ objectId: object.id, direction: 'both', filters: [], includeDeleted: false, limit: 10 }, reader)],
      ['review queue', () => resolution.queue({ status: 'pending', limit: 10 }, reader)],
    ];
    for (const [name, attempt] of attempts) {
      const outcome = await attempt().then(
        (served) => ({ served }),
        (error: { code?: string; kind?: string }) => ({ code: error.code, kind: error.kind }),
      );
      expect([name, outcome]).toEqual([name, { code: AuditExceptionCode.Unavailable, kind: 'unavailable' }]);
    }
  });

  it('serves nothing when NATS cannot be reached, and a refused change answers 503 too', async () => {
    const closed = await connectNats(
      { NATS_URL: process.env['NATS_URL'] as string, NATS_USER: 'ontology', NATS_PASSWORD: process.env['VIGIE_NATS_PASSWORD_ONTOLOGY'] as string },
      'ontology-fail-closed-spec',
    );
    await closed.close();
    const { objects } = controllers(new EventPublisher(closed, 1000));
    await expect(objects.get({ id: object.id }, reader)).rejects.toMatchObject({ code: AuditExceptionCode.Unavailable });
    const stale = await objects
      .update({ id: object.id, expectedVersion: 7, set: {}, provenance: PROVENANCE }, writer)
      .then(() => 'served', (e: { code: string }) => e.code);
    expect(stale).toBe(AuditExceptionCode.Unavailable);
  });
});
