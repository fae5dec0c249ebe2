import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditEvent, AuditOutcome, auditEventContractFor, JsonObjectValue } from '@vigie/audit-contracts';
import { Actor } from '@vigie/shared-auth';
import { EventPublisher } from '@vigie/shared-messaging';
import { currentTraceId } from '@vigie/shared-telemetry';

export interface AdminAct {
  actor: Actor;
  /** Tenant acted upon (the actor's, unless denied for being another). */
  tenant: string;
  action: string;
  resources: { type: string; id: string }[];
  outcome: AuditOutcome;
  details: JsonObjectValue;
}

/** The AUDIT-stream part of an actor (at most 100 roles, per the audit contract). */
export function auditActor(actor: Actor): AuditEvent['actor'] {
  return {
    sub: actor.subject,
    ...(actor.username ? { username: actor.username } : {}),
    roles: actor.roles.slice(0, 100),
    ...(actor.clientId ? { clientId: actor.clientId } : {}),
    kind: actor.kind,
  };
}

/** Publishes administrative acts to the AUDIT stream and waits for JetStream's acknowledgement. */
@Injectable()
export class AdminAudit {
  private readonly logger = new Logger('admin-audit');

  constructor(private readonly publisher: EventPublisher) {}

  async record(act: AdminAct): Promise<AuditEvent> {
    const event: AuditEvent = {
      id: randomUUID(),
      time: new Date().toISOString(),
      tenant: act.tenant,
      actor: auditActor(act.actor),
      action: act.action,
      resources: act.resources,
      purpose: act.actor.purpose ?? null,
      outcome: act.outcome,
      traceId: currentTraceId() ?? randomBytes(16).toString('hex'),
      service: 'identity',
      details: act.details,
    };
    await this.publisher.publish(auditEventContractFor(event.action), event, event.id);
    return event;
  }

  /** For acts that already failed: record, but never hide the original error behind an audit one. */
  async recordQuietly(act: AdminAct): Promise<void> {
    await this.record(act).catch((error: Error) => this.logger.error(`audit event for ${act.action} not recorded: ${error.message}`));
  }
}
