import { AuditActor } from '@vigie/audit-contracts';

/**
 * The verified actor as `@vigie/shared-auth` gives it (structurally: this library does not
 * import the auth library, so any object of this shape works).
 */
export interface VerifiedActorLike {
  readonly tenant: string;
  readonly subject: string;
  readonly username?: string;
  readonly roles: readonly string[];
  readonly clientId?: string;
  readonly kind: 'user' | 'service';
  readonly purpose?: { caseRef: string; justification: string };
}

/** The actor of an unauthenticated request (no token, or a refused one). */
export const ANONYMOUS_ACTOR: AuditActor = { sub: 'anonymous', roles: [], kind: 'anonymous' };

export function isVerifiedActor(actor: AuditActor | VerifiedActorLike): actor is VerifiedActorLike {
  return 'subject' in actor && 'tenant' in actor;
}

/** The audit event's view of a verified actor (who, never the token). */
export function toAuditActor(actor: AuditActor | VerifiedActorLike): AuditActor {
  if (!isVerifiedActor(actor)) return actor;
  return {
    sub: actor.subject,
    ...(actor.username ? { username: actor.username } : {}),
    roles: [...actor.roles].slice(0, 100),
    ...(actor.clientId ? { clientId: actor.clientId } : {}),
    kind: actor.kind,
  };
}
