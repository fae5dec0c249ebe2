import { defineEvent, EventContract } from '@vigie/shared-contracts';
import { ACTION_PATTERN, AuditEvent, auditEventSchema } from './audit-event.schema';
import { AuditException, AuditExceptionCode } from './audit.exception';
import { AUDIT_EVENTS_FILTER, AUDIT_STREAM } from './subjects';

export type AuditEventContract = EventContract<typeof auditEventSchema>;

/**
 * Subject of an audit event: `audit.v1.events.<domain>.recorded`, where the domain is the
 * action's first token (`object.read` → `audit.v1.events.object.recorded`, `export` →
 * `audit.v1.events.export.recorded`). The tenant is in the payload, not the subject: realm
 * names are not subject tokens, and the audit service consumes every tenant alike.
 */
export function auditSubjectFor(action: string): string {
  if (!ACTION_PATTERN.test(action)) {
    throw new AuditException(
      AuditExceptionCode.InvalidEvent,
      `Audit action "${action}" must be dotted lowercase tokens, domain first (e.g. "object.read")`,
    );
  }
  return `audit.v1.events.${action.split('.')[0]}.recorded`;
}

const contracts = new Map<string, AuditEventContract>();

/** The (full-subject) event contract for publishing an event of `action`; one per action domain. */
export function auditEventContractFor(action: string): AuditEventContract {
  const subject = auditSubjectFor(action);
  let contract = contracts.get(subject);
  if (!contract) {
    contract = defineEvent({
      subject,
      stream: AUDIT_STREAM,
      description: `An audited act of the "${subject.split('.')[3]}" domain, for the tamper-evident audit log`,
      payload: auditEventSchema,
    });
    contracts.set(subject, contract);
  }
  return contract;
}

/**
 * The audit event family, for both ends. Publishers: `subjectFor(event.action)`, header
 * `Nats-Msg-Id: msgIdFor(event)`, and a read of protected data is served only after the publish
 * is acknowledged (fail closed). The audit service: durable consumer on `filterSubject`.
 */
export const auditEventRecorded = {
  stream: AUDIT_STREAM,
  filterSubject: AUDIT_EVENTS_FILTER,
  payload: auditEventSchema,
  description: 'Every audited act: who, tenant, what, which resources, purpose, outcome, trace id',
  subjectFor: auditSubjectFor,
  contractFor: auditEventContractFor,
  msgIdFor: (event: Pick<AuditEvent, 'id'>): string => event.id,
} as const;
