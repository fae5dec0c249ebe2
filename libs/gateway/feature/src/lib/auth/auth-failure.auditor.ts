import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditAction, AuditEvent, auditEventContractFor, PLATFORM_TENANT, TENANT_PATTERN } from '@vigie/audit-contracts';
import { AuthException, AuthExceptionCode } from '@vigie/shared-auth';
import { EventPublisher } from '@vigie/shared-messaging';
import { currentTraceId } from '@vigie/shared-telemetry';

/** Reasons raised before the realm is known to be a tenant: recorded in the platform's own chain. */
const NO_TENANT: readonly AuthExceptionCode[] = [
  AuthExceptionCode.MissingToken,
  AuthExceptionCode.TokenMalformed,
  AuthExceptionCode.AlgorithmNotAllowed,
  AuthExceptionCode.UnknownRealm,
];

export interface RefusedRequest {
  method: string;
  route: string;
  ip?: string;
  userAgent?: string;
}

/**
 * Every refused token reaching the gateway becomes an `auth.failed` event on the AUDIT stream:
 * actor anonymous, tenant = the token's realm when it is a tenant (else `_platform`, so that
 * invented realm names never open chains), with the reason and the unverified claims that help
 * an auditor (issuer, subject, client, kid, alg) — never the token.
 */
@Injectable()
export class AuthFailureAuditor {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly publisher: EventPublisher,
    private readonly timeoutMs: number,
  ) {}

  event(error: AuthException, request: RefusedRequest): AuditEvent {
    const f = error.failure;
    const tenant = f.realm && !NO_TENANT.includes(f.reason) && TENANT_PATTERN.test(f.realm) ? f.realm : PLATFORM_TENANT;
    const details: AuditEvent['details'] = {
      reason: f.reason,
      message: error.message.slice(0, 500),
      method: request.method,
      route: request.route.slice(0, 500),
      ...(request.ip ? { ip: request.ip } : {}),
      ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 300) } : {}),
    };
    for (const key of ['realm', 'issuer', 'subject', 'clientId', 'kid', 'alg'] as const) {
      const v = f[key];
      if (typeof v === 'string') details[key] = v.slice(0, 300);
    }
    return {
      id: randomUUID(),
      time: new Date().toISOString(),
      tenant,
      actor: { sub: 'anonymous', roles: [], kind: 'anonymous' },
      action: AuditAction.AuthFailed,
      resources: [],
      purpose: null,
      outcome: 'denied',
      traceId: currentTraceId() ?? randomBytes(16).toString('hex'),
      service: 'gateway',
      details,
    };
  }

  /** Publishes and waits for the acknowledgement; a failure is logged, the 401 is answered anyway. */
  async record(error: AuthException, request: RefusedRequest): Promise<void> {
    const event = this.event(error, request);
    try {
      await this.publisher.publish(auditEventContractFor(event.action), event, event.id, { timeoutMs: this.timeoutMs });
    } catch (e) {
      this.logger.error(`auth.failed event ${event.id} (${event.details['reason']}) not recorded: ${(e as Error).message}`);
    }
  }
}
