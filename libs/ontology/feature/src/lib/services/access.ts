import { Actor } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { Actor as ContractActor, Marking, OntologyException, OntologyExceptionCode } from '@vigie/ontology-contracts';
import { dominates, hasPermission, PolicyActionName, ROLE_GRANTS } from '@vigie/shared-policy';

/** Refuses an actor whose realm roles do not grant `action` (403, naming the roles that would). */
export function requirePermission(actor: Actor, action: PolicyActionName): void {
  if (!hasPermission(actor, action)) {
    throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `Action "${action}" needs one of the roles ${ROLE_GRANTS[action].join(', ')}`);
  }
}

/** A writer cannot mark data above what they may see: they could not read back what they wrote. */
export function requireWritableMarking(actor: Actor, marking: Marking, what: string): void {
  if (!dominates(actor, marking)) {
    throw new OntologyException(
      OntologyExceptionCode.MarkingAboveClearance,
      `${what}: marking ${marking.level}${marking.compartments.length ? ` [${marking.compartments.join(', ')}]` : ''} is above your clearance or compartments`,
    );
  }
}

/** The actor as recorded in history rows and events (who, never their clearance). */
export function recordedActor(actor: Actor): ContractActor {
  return { subject: actor.subject, ...(actor.username ? { username: actor.username } : {}), kind: actor.kind };
}
