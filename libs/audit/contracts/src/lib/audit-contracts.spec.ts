import { describeIssues, ErrorKind, HTTP_STATUS_BY_KIND } from '@vigie/shared-contracts';
import {
  AUDIT_EVENTS_FILTER,
  AUDIT_REQUEST_CONTRACTS,
  AUDIT_STREAM,
  AuditAction,
  auditEventContractFor,
  auditEventRecorded,
  auditEventSchema,
  AuditException,
  AuditExceptionCode,
  auditHealthCheck,
  auditRecordFilterSchema,
  auditChainVerify,
  auditCheckpointsList,
  auditExportChunk,
  auditRecordsQuery,
  auditSubjectFor,
  checkpointSchema,
  decodeSeqCursor,
  encodeSeqCursor,
  verifyReportSchema,
} from '../index';

const validEvent = {
  id: '6f1c1a52-6f0e-4c53-9f0c-1b1a2a3b4c5d',
  time: '2025-03-01T10:00:00.000Z',
  tenant: 'dgsi',
  actor: { sub: 'f3a1', username: 'alice', roles: ['vigie-analyst'], kind: 'user' },
  action: 'object.read',
  resources: [{ type: 'Person', id: 'p-1' }],
  purpose: { caseRef: 'CASE-42', justification: 'Linked to the Lyon inquiry' },
  outcome: 'success',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  service: 'ontology',
  details: { latencyMs: 12, fields: ['name', 'birthDate'] },
};

describe('audit event schema', () => {
  it('accepts a complete event', () => {
    expect(auditEventSchema.parse(validEvent)).toEqual(validEvent);
  });

  it.each([
    ['id', { id: 'not-a-uuid' }],
    ['time', { time: '2025-03-01T11:00:00+01:00' }],
    ['tenant', { tenant: 'has space' }],
    ['action', { action: 'Object.Read' }],
    ['outcome', { outcome: 'ok' }],
    ['traceId', { traceId: '00000000000000000000000000000000' }],
    ['service', { service: 'billing' }],
    ['purpose', { purpose: { caseRef: '' , justification: 'x' } }],
    ['actor', { actor: { sub: 'x', roles: [], kind: 'robot' } }],
    ['details', { details: { latencyMs: Number.NaN } }],
  ])('names the bad field %s', (field, patch) => {
    const result = auditEventSchema.safeParse({ ...validEvent, ...patch });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!).message).toContain(field);
  });

  it('refuses unknown fields', () => {
    expect(auditEventSchema.safeParse({ ...validEvent, extra: 1 }).success).toBe(false);
  });

  it('accepts a null purpose and the platform tenant', () => {
    expect(auditEventSchema.safeParse({ ...validEvent, purpose: null, tenant: '_platform' }).success).toBe(true);
  });
});

describe('audit event subjects', () => {
  it('puts the action domain in the subject', () => {
    expect(auditSubjectFor(AuditAction.ObjectRead)).toBe('audit.v1.events.object.recorded');
    expect(auditSubjectFor(AuditAction.Export)).toBe('audit.v1.events.export.recorded');
    expect(auditSubjectFor(AuditAction.IngestJobCreate)).toBe('audit.v1.events.ingest.recorded');
  });

  it('refuses an action that is no subject token', () => {
    expect(() => auditSubjectFor('object.*')).toThrow(AuditException);
    expect(() => auditSubjectFor('')).toThrow(/dotted lowercase/);
  });

  it('gives one full-subject contract per domain in the AUDIT stream, matched by the consumer filter', () => {
    const a = auditEventContractFor('search.query');
    expect(a).toBe(auditEventContractFor('search.export'));
    expect(a.stream).toBe(AUDIT_STREAM);
    expect(a.subject).toBe('audit.v1.events.search.recorded');
    const filter = new RegExp('^' + AUDIT_EVENTS_FILTER.replace(/\./g, '\\.').replace('*', '[^.]+') + '$');
    for (const action of Object.values(AuditAction)) expect(filter.test(auditSubjectFor(action))).toBe(true);
    expect(auditEventRecorded.msgIdFor(validEvent as never)).toBe(validEvent.id);
  });
});

describe('audit request contracts', () => {
  it('follow the request subject convention and keep the health check', () => {
    expect(AUDIT_REQUEST_CONTRACTS.map((c) => c.subject)).toEqual([
      'audit.v1.records.query',
      'audit.v1.records.export-chunk',
      'audit.v1.chain.verify',
      'audit.v1.checkpoints.list',
      'audit.v1.keys.public',
    ]);
    expect(auditHealthCheck.subject).toBe('audit.v1.health.check');
  });

  it('defaults a query and rejects reversed ranges', () => {
    expect(auditRecordsQuery.request.parse({})).toEqual({ filter: {}, order: 'desc', limit: 100 });
    expect(auditRecordFilterSchema.safeParse({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }).success).toBe(false);
    expect(auditRecordFilterSchema.safeParse({ action: 'object.*' }).success).toBe(true);
    expect(auditRecordFilterSchema.safeParse({ action: 'object.' }).success).toBe(false);
    expect(auditExportChunk.request.safeParse({ fromSeq: 5, toSeq: 2 }).success).toBe(false);
    expect(auditExportChunk.request.safeParse({ fromSeq: 5, from: '2025-01-01T00:00:00Z' }).success).toBe(false);
    expect(auditExportChunk.request.safeParse({ fromSeq: 0 }).success).toBe(false);
    expect(
      auditExportChunk.request.safeParse({ fromSeq: 1, next: { exportId: '6f1c1e1e-8a43-4c1b-9b1e-1e2f3a4b5c6d', fromSeq: 1, toSeq: 9, afterSeq: 3 } }).success,
    ).toBe(false);
  });

  it('selects the tenant or the platform chain, never another tenant', () => {
    expect(auditRecordsQuery.request.parse({ chain: 'platform' })).toMatchObject({ chain: 'platform' });
    expect(auditRecordsQuery.request.safeParse({ chain: 'bravo' }).success).toBe(false);
    expect(auditChainVerify.request.safeParse({ chain: 'platform', fromSeq: 2 }).success).toBe(true);
    expect(auditCheckpointsList.request.safeParse({ chain: '_platform' }).success).toBe(false);
    expect(auditExportChunk.request.safeParse({ chain: 'platform', next: { exportId: '6f1c1e1e-8a43-4c1b-9b1e-1e2f3a4b5c6d', fromSeq: 1, toSeq: 9, afterSeq: 3 } }).success).toBe(true);
  });

  it('round-trips a cursor and refuses a forged one', () => {
    expect(decodeSeqCursor(encodeSeqCursor(1234))).toBe(1234);
    expect(() => decodeSeqCursor('bm90LWEtY3Vyc29y')).toThrow(
      expect.objectContaining({ code: AuditExceptionCode.InvalidCursor }),
    );
  });

  it('checks a checkpoint and a report shape', () => {
    const cp = {
      tenant: 'dgsi',
      seq: 3,
      hash: 'a'.repeat(64),
      time: '2025-03-01T10:00:00Z',
      kind: 'periodic',
      keyId: 'b'.repeat(64),
      signature: 'A'.repeat(86) + '==',
    };
    expect(checkpointSchema.safeParse(cp).success).toBe(true);
    expect(checkpointSchema.safeParse({ ...cp, signature: 'short' }).success).toBe(false);
    expect(
      verifyReportSchema.safeParse({
        ok: false,
        tenant: 'dgsi',
        start: 'genesis',
        anchorSeq: null,
        firstSeq: 1,
        lastSeq: 2,
        recordsChecked: 2,
        coveredUpTo: null,
        unsignedTail: 2,
        firstProblem: { kind: 'altered', seq: 3, eventId: 'e', message: 'x' },
        checkpoints: [],
      }).success,
    ).toBe(true);
  });
});

describe('AuditException', () => {
  it('derives its kind from the code and replies without a stack', () => {
    const e = new AuditException(AuditExceptionCode.RetentionRefused, 'no anchor');
    expect(e.kind).toBe(ErrorKind.PreconditionFailed);
    expect(HTTP_STATUS_BY_KIND[e.kind]).toBe(412);
    expect(e.toReply()).toEqual({ code: 'AUDIT_RETENTION_REFUSED', kind: 'precondition_failed', message: 'no anchor' });
    expect(e.name).toBe('AuditException');
  });
});
