import type { PubAck } from 'nats';
import { AuditException, AuditExceptionCode, auditEventSchema, PLATFORM_TENANT } from '@vigie/audit-contracts';
import { ErrorKind, EventContract, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { ANONYMOUS_ACTOR } from './audit-actor.util';
import { AuditEventSink, AuditRecorder } from './audit-recorder';

class FakeSink implements AuditEventSink {
  published: { subject: string; payload: unknown; msgId: string }[] = [];
  fail: Error | null = null;
  async publish(contract: EventContract, payload: unknown, msgId: string): Promise<PubAck> {
    if (this.fail) throw this.fail;
    this.published.push({ subject: contract.subject, payload, msgId });
    return { stream: 'AUDIT', seq: this.published.length, duplicate: false, domain: '' } as PubAck;
  }
}

const alice = {
  tenant: 'dgsi',
  subject: 'f3a1',
  username: 'alice',
  roles: ['vigie-analyst'],
  kind: 'user' as const,
  purpose: { caseRef: 'CASE-1', justification: 'inquiry' },
  clearance: 'S',
};

describe('AuditRecorder', () => {
  it('completes the event from the verified actor and publishes it with its id as Nats-Msg-Id', async () => {
    const sink = new FakeSink();
    const recorder = new AuditRecorder(sink, { service: 'ontology' });
    const event = await recorder.record({ actor: alice, action: 'object.read', resources: [{ type: 'Person', id: 'p1' }] });
    expect(auditEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      tenant: 'dgsi',
      actor: { sub: 'f3a1', username: 'alice', roles: ['vigie-analyst'], kind: 'user' },
      purpose: { caseRef: 'CASE-1', justification: 'inquiry' },
      outcome: 'success',
      service: 'ontology',
    });
    expect(event.time.endsWith('Z')).toBe(true);
    expect(event.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(sink.published).toEqual([{ subject: 'audit.v1.events.object.recorded', payload: event, msgId: event.id }]);
  });

  it('needs a tenant for an unverified actor and names bad fields', async () => {
    const recorder = new AuditRecorder(new FakeSink(), { service: 'gateway' });
    expect(() => recorder.buildEvent({ actor: ANONYMOUS_ACTOR, action: 'auth.failed' })).toThrow(/needs a tenant/);
    expect(() => recorder.buildEvent({ actor: ANONYMOUS_ACTOR, tenant: PLATFORM_TENANT, action: 'Bad Action' })).toThrow(/action/);
    expect(recorder.buildEvent({ actor: ANONYMOUS_ACTOR, tenant: PLATFORM_TENANT, action: 'auth.failed', outcome: 'denied' }).purpose).toBeNull();
  });

  it('fails closed with AUDIT_UNAVAILABLE (503) when JetStream does not acknowledge', async () => {
    const sink = new FakeSink();
    sink.fail = new PlatformException(PlatformErrorCode.ServiceUnavailable, ErrorKind.Unavailable, 'JetStream did not acknowledge');
    const recorder = new AuditRecorder(sink, { service: 'ontology' });
    const read = jest.fn(async () => ({ secret: 'data' }));
    const guarded = recorder.guard({ actor: alice, action: 'object.read' }, read);
    await expect(guarded).rejects.toBeInstanceOf(AuditException);
    await expect(guarded).rejects.toMatchObject({ code: AuditExceptionCode.Unavailable, kind: ErrorKind.Unavailable });
  });

  it('guard returns the data only after the event is acknowledged, with resources from the result', async () => {
    const sink = new FakeSink();
    const recorder = new AuditRecorder(sink, { service: 'ontology' });
    const result = await recorder.guard(
      { actor: alice, action: 'object.read', details: { query: 'x' } },
      async () => [{ id: 'a' }, { id: 'b' }],
      (rows) => ({ resources: rows.map((r) => ({ type: 'Person', id: r.id })), details: { hitCount: rows.length } }),
    );
    expect(result).toHaveLength(2);
    expect((sink.published[0].payload as { resources: unknown[] }).resources).toEqual([
      { type: 'Person', id: 'a' },
      { type: 'Person', id: 'b' },
    ]);
    expect((sink.published[0].payload as { details: unknown }).details).toEqual({ query: 'x', hitCount: 2 });
  });

  it('records a refused read as denied and rethrows its error', async () => {
    const sink = new FakeSink();
    const recorder = new AuditRecorder(sink, { service: 'ontology' });
    const denied = new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, 'no');
    await expect(recorder.guard({ actor: alice, action: 'object.read' }, async () => Promise.reject(denied))).rejects.toBe(denied);
    expect(sink.published[0].payload).toMatchObject({ outcome: 'denied', details: { error: 'FORBIDDEN' } });
  });
});
