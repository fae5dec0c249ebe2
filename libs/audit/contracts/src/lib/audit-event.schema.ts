import { z } from 'zod';
import { SERVICE_NAMES } from '@vigie/shared-contracts';

/**
 * A tenant is a Keycloak realm name. Events that belong to no tenant (a login failure whose
 * token names no known realm) are recorded in the platform's own chain, `PLATFORM_TENANT`.
 */
export const PLATFORM_TENANT = '_platform';
export const TENANT_PATTERN = /^(_platform|[A-Za-z0-9][A-Za-z0-9._-]{0,99})$/;
export const tenantSchema = z
  .string()
  .regex(TENANT_PATTERN, 'must be a realm name (letters, digits, ".", "_", "-"; at most 100) or "_platform"');

/** Dotted lowercase action, domain first: `object.read`, `search.query`, `export`, `auth.failed`. */
export const ACTION_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
export const auditActionSchema = z
  .string()
  .max(100)
  .regex(ACTION_PATTERN, 'must be dotted lowercase tokens, domain first (e.g. "object.read")');

/** Well-known actions. Producers may use others of the same shape; the first token is the domain. */
export const AuditAction = {
  HttpRequest: 'http.request',
  AuthFailed: 'auth.failed',
  AuthzDenied: 'authz.denied',
  ObjectRead: 'object.read',
  ObjectCreate: 'object.create',
  ObjectUpdate: 'object.update',
  ObjectDelete: 'object.delete',
  LinkRead: 'link.read',
  LinkCreate: 'link.create',
  LinkUpdate: 'link.update',
  LinkDelete: 'link.delete',
  EntityMerge: 'entity.merge',
  EntityUnmerge: 'entity.unmerge',
  SearchQuery: 'search.query',
  GraphNeighbourhood: 'graph.neighbourhood',
  GraphPaths: 'graph.paths',
  AnalyticsTimeline: 'analytics.timeline',
  AnalyticsGeo: 'analytics.geo',
  AnalyticsAggregate: 'analytics.aggregate',
  Export: 'export',
  IngestJobCreate: 'ingest.job.create',
  OntologyTypeChange: 'ontology.type.change',
  UserCreate: 'user.create',
  UserUpdate: 'user.update',
  UserDelete: 'user.delete',
  RoleGrant: 'role.grant',
  RoleRevoke: 'role.revoke',
  ClearanceChange: 'clearance.change',
  TenantCreate: 'tenant.create',
  AuditQuery: 'audit.query',
  AuditExport: 'audit.export',
  AuditVerify: 'audit.verify',
  AuditArchive: 'audit.archive',
} as const;
export type KnownAuditAction = (typeof AuditAction)[keyof typeof AuditAction];

export const AUDIT_OUTCOMES = ['success', 'denied', 'failure', 'error'] as const;
export const auditOutcomeSchema = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

export const auditActorSchema = z.strictObject({
  /** Token subject; for `anonymous`, the literal "anonymous" (claims of a rejected token go in `details`). */
  sub: z.string().min(1).max(255),
  username: z.string().min(1).max(255).optional(),
  roles: z.array(z.string().min(1).max(255)).max(100),
  clientId: z.string().min(1).max(255).optional(),
  kind: z.enum(['user', 'service', 'anonymous']),
});
export type AuditActor = z.infer<typeof auditActorSchema>;

export const auditResourceSchema = z.strictObject({
  type: z.string().min(1).max(100),
  id: z.string().min(1).max(255),
});
export type AuditResource = z.infer<typeof auditResourceSchema>;

export const auditPurposeSchema = z.strictObject({
  caseRef: z.string().min(1).max(200),
  justification: z.string().min(1).max(2000),
});
export type AuditPurpose = z.infer<typeof auditPurposeSchema>;

/** W3C trace id: 32 lowercase hex digits, not all zero. */
export const traceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be a W3C trace id (32 lowercase hex digits)')
  .refine((id) => !/^0+$/.test(id), 'must not be the all-zero trace id');

/** A JSON object (what `details` and a chained event are). */
export const jsonObjectSchema = z.record(z.string(), z.json());
export type JsonObjectValue = z.infer<typeof jsonObjectSchema>;

/** Most resources one event may name; a larger read is summarised (`details.hitCount`) or split. */
export const MAX_AUDIT_RESOURCES = 1000;

/**
 * One audited act. `id` is also the `Nats-Msg-Id` of its stream message, so a retried publish
 * is deduplicated by JetStream, and the audit service never chains the same id twice.
 */
export const auditEventSchema = z.strictObject({
  id: z.uuid(),
  /** When the act happened, ISO 8601 UTC (`Z`), set by the producing service. */
  time: z.iso.datetime(),
  tenant: tenantSchema,
  actor: auditActorSchema,
  action: auditActionSchema,
  resources: z.array(auditResourceSchema).max(MAX_AUDIT_RESOURCES),
  purpose: auditPurposeSchema.nullable(),
  outcome: auditOutcomeSchema,
  traceId: traceIdSchema,
  /** The service that observed the act and published the event. */
  service: z.enum(SERVICE_NAMES),
  /** Act-specific facts: route, status, latencyMs, query, hitCount, reason… */
  details: jsonObjectSchema,
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
