import { NatsConnection } from 'nats';
import { Pool } from 'pg';
import {
  auditChainVerify,
  auditCheckpointsList,
  AuditExceptionCode,
  auditExportChunk,
  auditRecordsQuery,
  AuditRecordFilter,
  PLATFORM_TENANT,
} from '@vigie/audit-contracts';
import { verifyExport } from '@vigie/audit-chain';
import { AuditChainAccess, AuditQueryController } from '@vigie/audit-feature';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { ErrorKind, HTTP_STATUS_BY_KIND } from '@vigie/shared-contracts';
import { EventPublisher, runWithCaller } from '@vigie/shared-messaging';
import { connectAs, inProcessAudit, localKeys, newTenant, sampleEvent, TestIssuer, waitFor, writerPool } from './audit-test.helpers';

// The auditors' handlers in this process (the same classes the service serves over NATS), with
// tokens from a test issuer: tenant scoping, the auditor role, purpose, streamed export, and the
// audit of audit reads (chained by the running audit service).

const PURPOSE = JSON.stringify({ caseRef: 'AUD-2026-7', justification: 'Quarterly access review' });

describe('auditor API', () => {
  const audit = inProcessAudit({ everyRecords: 10, everySeconds: 3600 });
  let issuer: TestIssuer;
  let nc: NatsConnection;
  let db: Pool;
  let controller: AuditQueryController;
  /** The same handlers where the realm `tenantOps` is designated to read the platform chain. */
  let platform: AuditQueryController;
  const tenantA = newTenant('a');
  const tenantB = newTenant('b');
  let auditorA: string;
  let auditorB: string;
  let analystA: string;
  const tenantOps = newTenant('ops');
  let auditorOps: string;
  let analystOps: string;
  const marker = `platform-marker-${tenantOps}`;

  const as = <T>(token: string, fn: () => Promise<T>, purpose?: string) => runWithCaller({ authorization: `Bearer ${token}`, ...(purpose ? { purpose } : {}) }, fn);
  const query = (filter: AuditRecordFilter = {}, extra: Record<string, unknown> = {}) => auditRecordsQuery.request.parse({ filter, ...extra });

  beforeAll(async () => {
    issuer = await TestIssuer.create();
    nc = await connectAs('audit');
    db = writerPool();
    controller = new AuditQueryController(issuer.actorResolver(), audit.reader, new AuditRecorder(new EventPublisher(nc, 3000), { service: 'audit' }));
    auditorA = await issuer.token(tenantA, { roles: ['vigie-auditor'], username: 'aude' });
    auditorB = await issuer.token(tenantB, { roles: ['vigie-auditor'], username: 'bob' });
    analystA = await issuer.token(tenantA, { roles: ['vigie-analyst'], username: 'ana' });
    const recorder = new AuditRecorder(new EventPublisher(nc, 3000), { service: 'audit' });
    platform = new AuditQueryController(issuer.actorResolver(), audit.reader, recorder, new AuditChainAccess([tenantOps]));
    auditorOps = await issuer.token(tenantOps, { roles: ['vigie-auditor'], username: 'olga' });
    analystOps = await issuer.token(tenantOps, { roles: ['vigie-analyst'], username: 'oscar' });
    // An event no tenant could be named for (as the gateway records a request without a valid token).
    await audit.writer.appendBatch([
      sampleEvent(PLATFORM_TENANT, 1, { action: 'auth.failed', outcome: 'denied', resources: [{ type: 'Request', id: marker }], purpose: null }),
    ]);
    await audit.writer.appendBatch(Array.from({ length: 25 }, (_, i) => sampleEvent(tenantA, i + 1)));
    await audit.writer.appendBatch(Array.from({ length: 5 }, (_, i) => sampleEvent(tenantB, i + 1)));
  });

  afterAll(async () => {
    await nc.drain();
    await db.end();
    await audit.store.close();
  });

  it("gives an auditor their own tenant's records only", async () => {
    const a = await as(auditorA, () => controller.query(query({}, { limit: 500 })));
    expect(a.records).toHaveLength(25);
    expect(a.records.every((r) => r.tenant === tenantA)).toBe(true);
    const b = await as(auditorB, () => controller.query(query({}, { limit: 500 })));
    expect(b.records.map((r) => r.tenant)).toEqual(Array(5).fill(tenantB));
    // There is no way to name another tenant: the request schema has no tenant field.
    expect(auditRecordsQuery.request.safeParse({ filter: {}, tenant: tenantA }).success).toBe(false);
    expect(auditRecordsQuery.request.safeParse({ filter: { tenant: tenantA } }).success).toBe(false);
  });

  it('filters by actor, action, resource, purpose, outcome and time, with cursor pagination', async () => {
    const byActor = await as(auditorA, () => controller.query(query({ actor: 'user1' }, { limit: 500 })));
    expect(byActor.records.length).toBeGreaterThan(0);
    expect(byActor.records.every((r) => r.event.actor.username === 'user1')).toBe(true);
    const reads = await as(auditorA, () => controller.query(query({ action: 'object.*' }, { limit: 500 })));
    expect(reads.records.every((r) => r.event.action === 'object.read')).toBe(true);
    expect(reads.records).toHaveLength(13);
    const resource = await as(auditorA, () => controller.query(query({ resource: { type: 'Person', id: 'p-7' } })));
    expect(resource.records.map((r) => r.seq)).toEqual([7]);
    const purpose = await as(auditorA, () => controller.query(query({ purposeCaseRef: 'CASE-8' })));
    expect(purpose.records.map((r) => r.seq)).toEqual([8]);
    expect((await as(auditorA, () => controller.query(query({ withPurpose: true }, { limit: 500 })))).records).toHaveLength(6);
    expect((await as(auditorA, () => controller.query(query({ outcome: 'denied' })))).records).toHaveLength(0);
    expect((await as(auditorA, () => controller.query(query({ to: '2000-01-01T00:00:00Z' })))).records).toHaveLength(0);
    // The auditor's own queries are recorded in this chain too (audit.query), as soon as the writer gets to them.
    const since2000 = (await as(auditorA, () => controller.query(query({ from: '2000-01-01T00:00:00Z' }, { limit: 500 })))).records;
    expect(since2000.filter((r) => !r.event.action.startsWith('audit.'))).toHaveLength(25);

    const seen: number[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await as(auditorA, () => controller.query(query({}, { order: 'asc', limit: 10, ...(cursor ? { cursor } : {}) })));
      // The auditor's own queries (audit.query) join the chain whenever the writer gets to them.
      seen.push(...page.records.filter((r) => !r.event.action.startsWith('audit.')).map((r) => r.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('refuses a user without the auditor role, and records the refusal', async () => {
    await expect(as(analystA, () => controller.query(query()))).rejects.toMatchObject({ kind: ErrorKind.Forbidden });
    await waitFor('the denied audit.query event', async () => {
      const rows = await db.query(`SELECT 1 FROM audit.records WHERE tenant = $1 AND event @> '{"action":"audit.query","outcome":"denied","actor":{"username":"ana"}}'`, [tenantA]);
      return rows.rowCount === 1;
    });
  });

  it('refuses a caller without a valid token', async () => {
    await expect(runWithCaller({}, () => controller.query(query()))).rejects.toMatchObject({ code: 'MISSING_TOKEN', kind: ErrorKind.Unauthenticated });
  });

  it('requires a purpose to export: 428 PURPOSE_REQUIRED saying what to send', async () => {
    const error = await as(auditorA, () => controller.exportChunk(auditExportChunk.request.parse({}))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PURPOSE_REQUIRED', kind: ErrorKind.PurposeRequired });
    expect(HTTP_STATUS_BY_KIND[(error as { kind: ErrorKind }).kind]).toBe(428);
    expect((error as Error).message).toMatch(/x-purpose: \{"caseRef"/);
  });

  it('streams an export that verifies offline with the public key, and names a tampered line', async () => {
    const lines: string[] = [];
    let next = undefined as unknown;
    let chunks = 0;
    do {
      const chunk = await as(auditorA, () => controller.exportChunk(auditExportChunk.request.parse(next ? { next } : {})), PURPOSE);
      lines.push(...chunk.lines);
      next = chunk.next;
      chunks += 1;
    } while (next);
    const { keys } = await as(auditorA, () => controller.publicKeys());
    expect(keys[0]).toMatchObject({ keyId: localKeys().signing.keyId, status: 'active' });
    const report = await verifyExport(lines, keys[0].publicKeyPem);
    expect(report).toMatchObject({ ok: true, tenant: tenantA, recordsChecked: report.header?.toSeq });
    expect(report.recordsChecked).toBeGreaterThanOrEqual(25);
    expect(report.header?.purpose).toBe('AUD-2026-7');
    expect(chunks).toBeGreaterThanOrEqual(1);

    const tampered = lines.map((l) => (l.includes('"seq":12,') && l.startsWith('{"event"') ? l.replace('"p-12"', '"p-99"') : l));
    expect(tampered).not.toEqual(lines);
    expect((await verifyExport(tampered, keys[0].publicKeyPem)).firstProblem).toMatchObject({ kind: 'altered', seq: 12 });

    await waitFor('the audit.export event with its purpose', async () => {
      const rows = await db.query(`SELECT 1 FROM audit.records WHERE tenant = $1 AND event @> '{"action":"audit.export","purpose":{"caseRef":"AUD-2026-7"}}'`, [tenantA]);
      return (rows.rowCount ?? 0) >= 1;
    });
  });

  it('verifies the chain and lists checkpoints, for the caller\'s tenant only', async () => {
    const report = await as(auditorB, () => controller.verify(auditChainVerify.request.parse({})));
    expect(report).toMatchObject({ ok: true, tenant: tenantB });
    const listed = await as(auditorA, () => controller.checkpoints(auditCheckpointsList.request.parse({})));
    expect(listed.checkpoints.map((c) => c.seq)).toContain(25);
    expect(listed.checkpoints.every((c) => c.tenant === tenantA)).toBe(true);
  });

  it('gives the platform chain (events without a tenant) to auditors of a designated realm only', async () => {
    const asPlatform = { chain: 'platform' as const };
    const reads: (() => Promise<unknown>)[] = [
      () => platform.query(query({}, asPlatform)),
      () => platform.verify(auditChainVerify.request.parse(asPlatform)),
      () => platform.checkpoints(auditCheckpointsList.request.parse(asPlatform)),
      () => platform.exportChunk(auditExportChunk.request.parse(asPlatform)),
    ];
    for (const read of reads) {
      const error = await as(auditorA, read, PURPOSE).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: AuditExceptionCode.PlatformChainForbidden, kind: ErrorKind.Forbidden });
      expect((error as Error).message).toContain(`realm ${tenantA} is not one of them`);
    }
    // Nobody is designated unless configured; a designated realm's non-auditor is refused by role.
    await expect(as(auditorOps, () => controller.query(query({}, asPlatform)))).rejects.toMatchObject({ code: AuditExceptionCode.PlatformChainForbidden });
    await expect(as(analystOps, () => platform.query(query({}, asPlatform)))).rejects.toMatchObject({ kind: ErrorKind.Forbidden, code: 'FORBIDDEN' });

    const found = await as(auditorOps, () => platform.query(query({ resource: { id: marker } }, asPlatform)));
    expect(found.records.map((r) => [r.tenant, r.event.action])).toEqual([[PLATFORM_TENANT, 'auth.failed']]);
    // Without `chain`, the designated auditor still reads their own tenant's chain.
    const own = await as(auditorOps, () => platform.query(query({ resource: { id: marker } })));
    expect(own.records).toEqual([]);

    const report = await as(auditorOps, () => platform.verify(auditChainVerify.request.parse(asPlatform)));
    expect(report).toMatchObject({ ok: true, tenant: PLATFORM_TENANT });
    expect(report.recordsChecked).toBeGreaterThanOrEqual(1);
    const listed = await as(auditorOps, () => platform.checkpoints(auditCheckpointsList.request.parse(asPlatform)));
    expect(listed.checkpoints.every((c) => c.tenant === PLATFORM_TENANT)).toBe(true);

    const lines: string[] = [];
    let next = undefined as unknown;
    do {
      const chunk = await as(auditorOps, () => platform.exportChunk(auditExportChunk.request.parse(next ? { next, ...asPlatform } : asPlatform)), PURPOSE);
      expect(chunk.tenant).toBe(PLATFORM_TENANT);
      lines.push(...chunk.lines);
      next = chunk.next;
    } while (next);
    expect(await verifyExport(lines, localKeys().signing.publicKeyPem)).toMatchObject({ ok: true, tenant: PLATFORM_TENANT });
    expect(lines.some((l) => l.includes(marker))).toBe(true);

    // The read itself is audited in the auditor's own chain, naming the chain read.
    await waitFor('the audit.query event of the platform read', async () => {
      const rows = await db.query(`SELECT 1 FROM audit.records WHERE tenant = $1 AND event @> '{"action":"audit.query","outcome":"success","details":{"chain":"platform"}}'`, [tenantOps]);
      return (rows.rowCount ?? 0) >= 1;
    });
  }, 60_000);
});
