import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AnalyticsException, AnalyticsExceptionCode } from '@vigie/analytics-contracts';
import { AuditEvent, auditEventRecorded, AuditOutcome, JsonObjectValue, MAX_AUDIT_RESOURCES } from '@vigie/audit-contracts';
import { Actor } from '@vigie/shared-auth';
import { EventPublisher } from '@vigie/shared-messaging';
import { currentTraceId } from '@vigie/shared-telemetry';

export interface AuditedRead {
  action: string;
  outcome: AuditOutcome;
  resources: { type: string; id: string }[];
  details: JsonObjectValue;
}

/**
 * Records one audit event per analytics query on the AUDIT stream and waits for JetStream's
 * acknowledgement. Fail closed: when the event cannot be recorded, the query's data is not served
 * (AUDIT_UNAVAILABLE). To be replaced by `@vigie/shared-audit-client`'s `AuditRecorder` once it
 * lands; the event is the audit contract's, so nothing else changes.
 */
@Injectable()
export class AnalyticsAuditRecorder {
  constructor(private readonly publisher: EventPublisher) {}

  async record(actor: Actor, read: AuditedRead): Promise<void> {
    const trace = currentTraceId();
    const resources = read.resources.slice(0, MAX_AUDIT_RESOURCES);
    const event: AuditEvent = {
      id: randomUUID(),
      time: new Date().toISOString(),
      tenant: actor.tenant,
      actor: {
        sub: actor.subject,
        ...(actor.username ? { username: actor.username } : {}),
        roles: actor.roles.slice(0, 100),
        ...(actor.clientId ? { clientId: actor.clientId } : {}),
        kind: actor.kind,
      },
      action: read.action,
      resources,
      purpose: actor.purpose ?? null,
      outcome: read.outcome,
      traceId: trace && /^[0-9a-f]{32}$/.test(trace) && !/^0+$/.test(trace) ? trace : randomBytes(16).toString('hex'),
      service: 'analytics',
      details: { ...read.details, ...(read.resources.length > resources.length ? { resourcesOmitted: read.resources.length - resources.length } : {}) },
    };
    try {
      await this.publisher.publish(auditEventRecorded.contractFor(read.action), event, auditEventRecorded.msgIdFor(event));
    } catch (error) {
      throw new AnalyticsException(AnalyticsExceptionCode.AuditUnavailable, `The query was not served: its audit event could not be recorded (${(error as Error).message})`);
    }
  }
}
