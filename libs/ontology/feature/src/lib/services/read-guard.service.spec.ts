import type { PubAck } from 'nats';
import { AuditEvent, AuditExceptionCode, MAX_AUDIT_RESOURCES } from '@vigie/audit-contracts';
import { AuditEventSink, AuditRecorder } from '@vigie/shared-audit-client';
import { Actor } from '@vigie/shared-auth';
import { ErrorKind, EventContract, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { ClassificationLevel } from '@vigie/shared-policy';
import { OntologyException, OntologyExceptionCode } from '@vigie/ontology-contracts';
import { OntologyReadGuard, purposeRequired } from './read-guard.service';

class RecordingSink implements AuditEventSink {
  events: AuditEvent[] = [];
  fail = false;
  async publish(_contract: EventContract, payload: unknown): Promise<PubAck> {
    if (this.fail) throw new Error('no stream captures the subject');
    this.events.push(payload as AuditEvent);
    return { stream: 'AUDIT', seq: this.events.length, duplicate: false, domain: '' } as PubAck;
  }
}

const PURPOSE = { caseRef: 'CASE-7', justification: 'inquiry' };
function actor(clearance: ClassificationLevel, purpose?: typeof PURPOSE): Actor {
  return { tenant: 'alpha', subject: `u-${clearance}`, username: `u-${clearance}`, roles: ['vigie-analyst'], clearance, compartments: ['cyber'], kind: 'user', expiresAt: 4_000_000_000, ...(purpose ? { purpose } : {}) };
}
const notFound = () => new OntologyException(OntologyExceptionCode.ObjectNotFound, 'Object x was not found');
const OBJECT = { type: 'object', id: '0b5c3e9e-0d8a-4b8e-9a51-6f0f0c1f2a33' };

describe('OntologyReadGuard', () => {
  let sink: RecordingSink;
  let guard: OntologyReadGuard;
  beforeEach(() => {
    sink = new RecordingSink();
    guard = new OntologyReadGuard(new AuditRecorder(sink, { service: 'ontology' }));
  });

  it('caps a reader cleared at or above the level (default S) just below it when no purpose is stated', () => {
    expect(guard.purposeRequiredFromLevel).toBe('S');
    expect(guard.view(actor('TS'))).toMatchObject({ capped: true, reader: { clearance: 'DR', compartments: ['cyber'], subject: 'u-TS' } });
    expect(guard.view(actor('S'))).toMatchObject({ capped: true, reader: { clearance: 'DR' } });
    expect(guard.view(actor('DR'))).toMatchObject({ capped: false, reader: { clearance: 'DR' } });
    expect(guard.view(actor('TS', PURPOSE))).toMatchObject({ capped: false, reader: { clearance: 'TS' } });
  });

  it('takes the level from its options', () => {
    const ts = new OntologyReadGuard(new AuditRecorder(sink, { service: 'ontology' }), { purposeRequiredFromLevel: 'TS' });
    expect(ts.view(actor('S')).capped).toBe(false);
    expect(ts.view(actor('TS')).reader.clearance).toBe('S');
    const np = new OntologyReadGuard(new AuditRecorder(sink, { service: 'ontology' }), { purposeRequiredFromLevel: 'NP' });
    expect(np.view(actor('NP')).reader.clearance).toBe('NP');
  });

  it('serves one read only after its event is recorded, naming the id, the purpose and the effective clearance', async () => {
    const read = jest.fn(async (reader: Actor) => ({ id: OBJECT.id, seenAs: reader.clearance }));
    const result = await guard.one(actor('TS', PURPOSE), 'object.read', OBJECT, { version: 2 }, read, (r) => ({ details: { seenAs: r.seenAs } }));
    expect(result).toEqual({ id: OBJECT.id, seenAs: 'TS' });
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      action: 'object.read',
      outcome: 'success',
      resources: [OBJECT],
      purpose: PURPOSE,
      service: 'ontology',
      details: { version: 2, seenAs: 'TS', effectiveClearance: 'TS' },
    });
  });

  it('answers 428 PURPOSE_REQUIRED, saying what to send, when only the full clearance finds the object — and records the refusal', async () => {
    const read = jest.fn(async (reader: Actor) => {
      if (reader.clearance !== 'TS') throw notFound();
      return { id: OBJECT.id };
    });
    const error = await guard.one(actor('TS'), 'object.read', OBJECT, {}, read).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: PlatformErrorCode.PurposeRequired, kind: ErrorKind.PurposeRequired });
    expect((error as Error).message).toContain('x-purpose: {"caseRef"');
    expect((error as Error).message).toContain('marked S or above');
    expect(read.mock.calls.map(([r]) => r.clearance)).toEqual(['DR', 'TS']);
    expect(sink.events[0]).toMatchObject({ outcome: 'denied', purpose: null, resources: [OBJECT], details: { error: 'PURPOSE_REQUIRED', clearanceCapped: 'no purpose stated', effectiveClearance: 'DR' } });
  });

  it('keeps a hidden object 404 whatever the purpose: no 428 reveals that it exists', async () => {
    const hidden = jest.fn(async () => Promise.reject(notFound()));
    await expect(guard.one(actor('TS'), 'object.read', OBJECT, {}, hidden)).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
    await expect(guard.one(actor('TS', PURPOSE), 'object.read', OBJECT, {}, hidden)).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
    await expect(guard.one(actor('NP'), 'object.read', OBJECT, {}, hidden)).rejects.toMatchObject({ code: OntologyExceptionCode.ObjectNotFound });
    expect(hidden).toHaveBeenCalledTimes(4); // capped + full for the TS reader without purpose, once for the others
    expect(sink.events.map((e) => [e.outcome, e.details['error']])).toEqual([
      ['failure', OntologyExceptionCode.ObjectNotFound],
      ['failure', OntologyExceptionCode.ObjectNotFound],
      ['failure', OntologyExceptionCode.ObjectNotFound],
    ]);
  });

  it('does not retry with the full clearance for errors other than not found', async () => {
    const forbidden = jest.fn(async () => Promise.reject(new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, 'no role')));
    await expect(guard.one(actor('TS'), 'object.read', OBJECT, {}, forbidden)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(forbidden).toHaveBeenCalledTimes(1);
    expect(sink.events[0]).toMatchObject({ outcome: 'denied' });
  });

  it('fails closed: when the event is not acknowledged, the read answers AUDIT_UNAVAILABLE (503) and serves nothing', async () => {
    sink.fail = true;
    const outcome = await guard.one(actor('DR'), 'object.read', OBJECT, {}, async () => ({ secret: 'value' })).then(
      (served) => ({ served }),
      (error: unknown) => ({ error }),
    );
    expect(outcome).toEqual({ error: expect.objectContaining({ code: AuditExceptionCode.Unavailable, kind: ErrorKind.Unavailable }) });
    const listed = await guard.many(actor('DR'), 'object.list', {}, async () => ['a'], () => ({})).catch((e: { code: string }) => e.code);
    expect(listed).toBe(AuditExceptionCode.Unavailable);
  });

  it('lists with the capped view and names every id returned (at most MAX_AUDIT_RESOURCES, the rest counted)', async () => {
    const ids = Array.from({ length: MAX_AUDIT_RESOURCES + 5 }, (_, i) => `id-${i}`);
    const seen: string[] = [];
    const result = await guard.many(
      actor('S'),
      'object.list',
      { query: { type: 'Person' } },
      async (reader) => {
        seen.push(reader.clearance);
        return ids;
      },
      (r) => ({ resources: r.map((id) => ({ type: 'object', id })), details: { returned: r.length } }),
    );
    expect(result).toBe(ids);
    expect(seen).toEqual(['DR']);
    expect(sink.events[0]?.resources).toHaveLength(MAX_AUDIT_RESOURCES);
    expect(sink.events[0]?.details).toEqual({ query: { type: 'Person' }, returned: ids.length, resourcesOmitted: 5, effectiveClearance: 'DR', clearanceCapped: 'no purpose stated' });
  });

  it('records a refused or failed change (which leaves no version), and nothing more for a successful one', async () => {
    await expect(guard.writeAudited(actor('NP'), 'object.update', [OBJECT], { expectedVersion: 1 }, async () => Promise.reject(new OntologyException(OntologyExceptionCode.VersionConflict, 'stale')))).rejects.toMatchObject({
      code: OntologyExceptionCode.VersionConflict,
    });
    expect(sink.events[0]).toMatchObject({ action: 'object.update', outcome: 'failure', resources: [OBJECT], details: { expectedVersion: 1, error: OntologyExceptionCode.VersionConflict } });
    await expect(guard.writeAudited(actor('NP'), 'object.create', [], {}, async () => 'created')).resolves.toBe('created');
    expect(sink.events).toHaveLength(1);
  });

  it('records a change that changed nothing (it leaves no version, yet answers the object), fail closed', async () => {
    const view = { id: OBJECT.id, version: 3 };
    await expect(guard.writeAudited(actor('DR'), 'object.update', [OBJECT], { expectedVersion: 3 }, async () => view, (v) => v.version === 3)).resolves.toBe(view);
    expect(sink.events[0]).toMatchObject({ action: 'object.update', outcome: 'success', details: { expectedVersion: 3, unchanged: true } });
    await guard.writeAudited(actor('DR'), 'object.update', [OBJECT], { expectedVersion: 2 }, async () => view, (v) => v.version === 2);
    expect(sink.events).toHaveLength(1);
    sink.fail = true;
    await expect(guard.writeAudited(actor('DR'), 'object.update', [OBJECT], {}, async () => view, () => true)).rejects.toMatchObject({ code: AuditExceptionCode.Unavailable });
  });

  it('builds the 428 with the header named in its details', () => {
    expect(purposeRequired('Link l1', 'TS')).toMatchObject({ kind: ErrorKind.PurposeRequired, details: { header: 'x-purpose', fromLevel: 'TS' } });
  });
});
