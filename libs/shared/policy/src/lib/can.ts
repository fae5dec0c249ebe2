import { ClassificationLevel, dominates, MarkedResource } from './markings';

/** Realm roles of Vigie (say what a user may do; markings say what a user may see). */
export const VigieRole = {
  Admin: 'vigie-admin',
  Analyst: 'vigie-analyst',
  Supervisor: 'vigie-supervisor',
  Auditor: 'vigie-auditor',
  Ingest: 'vigie-ingest',
} as const;
export type VigieRoleName = (typeof VigieRole)[keyof typeof VigieRole];
export const VIGIE_ROLES: readonly VigieRoleName[] = Object.values(VigieRole);

/** What an actor wants to do with a marked resource. */
export const PolicyAction = {
  /** See a thing: search hits, object reads, graph neighbours, timelines. */
  Read: 'read',
  /** Create or change objects, links, properties, mappings. */
  Write: 'write',
  /** Take data out of the platform (needs a stated purpose, checked by the caller). */
  Export: 'export',
  /** Submit ingestion jobs / publish batches. */
  Ingest: 'ingest',
  /** Review who accessed what: the audit log. */
  AuditRead: 'audit.read',
  /** Administer the realm: users, clearances, roles, ontology types. */
  Administer: 'administer',
} as const;
export type PolicyActionName = (typeof PolicyAction)[keyof typeof PolicyAction];

/**
 * Which roles grant which action. The table is the policy: change it here (and in its test),
 * never with an `if` at a call site.
 */
export const ROLE_GRANTS: Readonly<Record<PolicyActionName, readonly VigieRoleName[]>> = {
  [PolicyAction.Read]: [VigieRole.Analyst, VigieRole.Supervisor],
  [PolicyAction.Write]: [VigieRole.Analyst, VigieRole.Ingest],
  [PolicyAction.Export]: [VigieRole.Analyst, VigieRole.Supervisor],
  [PolicyAction.Ingest]: [VigieRole.Ingest, VigieRole.Analyst],
  [PolicyAction.AuditRead]: [VigieRole.Auditor, VigieRole.Supervisor],
  [PolicyAction.Administer]: [VigieRole.Admin],
};

/** The part of an actor the policy looks at (the verified actor of `@vigie/shared-auth` fits). */
export interface PolicySubject {
  tenant: string;
  roles: readonly string[];
  clearance: ClassificationLevel;
  compartments: readonly string[];
}

export type DenyReason = 'TENANT_MISMATCH' | 'ROLE_MISSING' | 'CLEARANCE_TOO_LOW' | 'COMPARTMENT_MISSING';

export type Decision = { allowed: true } | { allowed: false; reason: DenyReason; message: string };

/** The actor holds a role granting `action` (no resource involved: e.g. may this user search at all?). */
export function hasPermission(actor: Pick<PolicySubject, 'roles'>, action: PolicyActionName): boolean {
  const grants = ROLE_GRANTS[action];
  if (!grants) throw new RangeError(`Unknown policy action "${String(action)}"`);
  return grants.some((role) => actor.roles.includes(role));
}

/**
 * Decides whether `actor` may perform `action` on a thing marked `resource`, saying why not.
 * Order: tenant (never across tenants), role, then need-to-know (clearance ≥ level, compartments ⊆).
 */
export function decide(actor: PolicySubject, action: PolicyActionName, resource: MarkedResource): Decision {
  if (resource.tenant !== actor.tenant) {
    return { allowed: false, reason: 'TENANT_MISMATCH', message: `The resource belongs to another tenant than ${actor.tenant}` };
  }
  if (!hasPermission(actor, action)) {
    return { allowed: false, reason: 'ROLE_MISSING', message: `Action "${action}" needs one of the roles ${ROLE_GRANTS[action].join(', ')}` };
  }
  if (!dominates({ clearance: actor.clearance, compartments: [] }, { level: resource.level, compartments: [] })) {
    return { allowed: false, reason: 'CLEARANCE_TOO_LOW', message: `Clearance ${actor.clearance} is below the resource's level ${resource.level}` };
  }
  if (!dominates(actor, resource)) {
    const missing = resource.compartments.filter((c) => !actor.compartments.includes(c));
    return { allowed: false, reason: 'COMPARTMENT_MISSING', message: `Missing compartment(s): ${missing.join(', ')}` };
  }
  return { allowed: true };
}

/** `decide(...).allowed`: may `actor` perform `action` on a thing marked `resource`? */
export function can(actor: PolicySubject, action: PolicyActionName, resource: MarkedResource): boolean {
  return decide(actor, action, resource).allowed;
}

/** Need-to-know only (no role check): may `actor` see a thing marked `resource`? The rule the SQL filter applies. */
export function canSee(actor: Pick<PolicySubject, 'tenant' | 'clearance' | 'compartments'>, resource: MarkedResource): boolean {
  return resource.tenant === actor.tenant && dominates(actor, resource);
}
