import { Controller } from '@nestjs/common';
import {
  AuditAction,
  auditChainVerify,
  auditExportChunk,
  auditCheckpointsList,
  auditKeysPublic,
  auditRecordsQuery,
  JsonObjectValue,
} from '@vigie/audit-contracts';
import { Actor, ActorResolver, hasRole } from '@vigie/shared-auth';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { ErrorKind, PlatformErrorCode, PlatformException, RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { AuditChainAccess } from './audit-chain-access';
import { AuditReader } from './audit-reader.service';

export const AUDITOR_ROLE = 'vigie-auditor';

function requireAuditor(actor: Actor): void {
  if (!hasRole(actor, AUDITOR_ROLE)) {
    throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `Reading the audit log needs the role ${AUDITOR_ROLE}`);
  }
}

function json(value: unknown): JsonObjectValue {
  return JSON.parse(JSON.stringify(value ?? {})) as JsonObjectValue;
}

/**
 * The auditors' API over NATS. The chain read is always the verified caller's tenant's (token
 * re-verified here, never taken from the payload) — or, with `chain: 'platform'`, the platform
 * chain for auditors of a designated realm ({@link AuditChainAccess}); the role `vigie-auditor` is
 * required; every read is itself audited (in the caller's own chain), and its answer leaves only
 * after that audit event is acknowledged (fail closed).
 */
@Controller()
export class AuditQueryController {
  constructor(
    private readonly actors: ActorResolver,
    private readonly reader: AuditReader,
    private readonly audit: AuditRecorder,
    private readonly access: AuditChainAccess = new AuditChainAccess(),
  ) {}

  @HandleRequest(auditRecordsQuery)
  async query(req: RequestOf<typeof auditRecordsQuery>) {
    const actor = await this.actors.requireActor();
    return this.audit.guard(
      { actor, action: AuditAction.AuditQuery, details: json({ chain: req.chain ?? 'tenant', filter: req.filter, order: req.order, limit: req.limit }) },
      async () => {
        requireAuditor(actor);
        return this.reader.query(this.access.tenantFor(actor, req.chain), req);
      },
      (result) => ({ details: { hitCount: result.records.length } }),
    );
  }

  @HandleRequest(auditChainVerify)
  async verify(req: RequestOf<typeof auditChainVerify>) {
    const actor = await this.actors.requireActor();
    return this.audit.guard(
      { actor, action: AuditAction.AuditVerify, details: json({ range: req }) },
      async () => {
        requireAuditor(actor);
        return this.reader.verify(this.access.tenantFor(actor, req.chain), req);
      },
      (report) => ({ details: json({ ok: report.ok, recordsChecked: report.recordsChecked, firstProblem: report.firstProblem ?? null }) }),
    );
  }

  @HandleRequest(auditCheckpointsList)
  async checkpoints(req: RequestOf<typeof auditCheckpointsList>) {
    const actor = await this.actors.requireActor();
    return this.audit.guard(
      { actor, action: AuditAction.AuditQuery, details: json({ checkpoints: req }) },
      async () => {
        requireAuditor(actor);
        return this.reader.checkpoints(this.access.tenantFor(actor, req.chain), req);
      },
      (result) => ({ details: { hitCount: result.checkpoints.length } }),
    );
  }

  /** Public keys are no secret: any authenticated caller may fetch them (for offline verification). */
  @HandleRequest(auditKeysPublic)
  async publicKeys() {
    await this.actors.requireActor();
    return { keys: this.reader.publicKeys() };
  }

  /** One chunk of a streamed export; every chunk is an audited read and needs a purpose. */
  @HandleRequest(auditExportChunk)
  async exportChunk(req: RequestOf<typeof auditExportChunk>) {
    const actor = await this.actors.requireActor();
    return this.audit.guard(
      { actor, action: AuditAction.AuditExport, details: json({ request: req }) },
      async () => {
        requireAuditor(actor);
        if (!actor.purpose) {
          throw new PlatformException(
            PlatformErrorCode.PurposeRequired,
            ErrorKind.PurposeRequired,
            'Exporting the audit log needs a stated purpose: send the header x-purpose: {"caseRef":"<case reference>","justification":"<why>"}',
          );
        }
        return this.reader.exportChunk(this.access.tenantFor(actor, req.chain), req, actor.purpose.caseRef.slice(0, 200));
      },
      (chunk) => ({
        details: json({ exportId: chunk.exportId, fromSeq: chunk.fromSeq, toSeq: chunk.toSeq, lines: chunk.lines.length, sentUpTo: chunk.next?.afterSeq ?? chunk.toSeq }),
      }),
    );
  }
}
