import { CLEARANCE_LEVELS, VIGIE_REALM_ROLES } from '@vigie/identity-contracts';
import { RealmDefinition } from './realm-definition.schema';

/** Realm attribute that marks a Keycloak realm as a Vigie tenant (the tenant registry reads it). */
export const TENANT_MARKER_ATTRIBUTE = 'vigieTenant';
/** The client scope holding Vigie's protocol mappers; a default scope of every client of the realm. */
export const VIGIE_CLIENT_SCOPE = 'vigie';

export const ROLE_DESCRIPTIONS: Record<(typeof VIGIE_REALM_ROLES)[number], string> = {
  'vigie-admin': 'Administers the tenant: users, clearances, compartments, roles, groups',
  'vigie-analyst': 'Searches, explores and builds cases within clearance and compartments',
  'vigie-supervisor': 'Supervises analysts: reviews their work and access',
  'vigie-auditor': 'Reads and verifies the audit trail',
  'vigie-ingest': 'Submits ingestion jobs (people and services)',
};

/** Realm settings Vigie manages (only these fields are compared and corrected). */
export function desiredRealmSettings(def: RealmDefinition): Record<string, unknown> {
  const s = def.security;
  return {
    enabled: def.enabled,
    displayName: def.displayName,
    sslRequired: s.sslRequired,
    registrationAllowed: false,
    editUsernameAllowed: false,
    duplicateEmailsAllowed: false,
    rememberMe: s.rememberMe,
    resetPasswordAllowed: s.resetPasswordAllowed,
    loginWithEmailAllowed: s.loginWithEmailAllowed,
    bruteForceProtected: s.bruteForce.enabled,
    permanentLockout: s.bruteForce.permanentLockout,
    failureFactor: s.bruteForce.failureFactor,
    waitIncrementSeconds: s.bruteForce.waitIncrementSeconds,
    maxFailureWaitSeconds: s.bruteForce.maxFailureWaitSeconds,
    maxDeltaTimeSeconds: s.bruteForce.maxDeltaTimeSeconds,
    minimumQuickLoginWaitSeconds: s.bruteForce.minimumQuickLoginWaitSeconds,
    quickLoginCheckMilliSeconds: s.bruteForce.quickLoginCheckMilliSeconds,
    accessTokenLifespan: s.tokens.accessTokenLifespanSeconds,
    ssoSessionIdleTimeout: s.tokens.ssoSessionIdleTimeoutSeconds,
    ssoSessionMaxLifespan: s.tokens.ssoSessionMaxLifespanSeconds,
    revokeRefreshToken: s.tokens.revokeRefreshToken,
    refreshTokenMaxReuse: 0,
    passwordPolicy: s.passwordPolicy,
    defaultSignatureAlgorithm: 'RS256',
  };
}

export interface MapperSpec {
  name: string;
  protocolMapper: string;
  config: Record<string, string>;
}

const inAccessToken = { 'access.token.claim': 'true', 'introspection.token.claim': 'true', 'id.token.claim': 'false', 'userinfo.token.claim': 'true' };

/** The protocol mappers of the `vigie` client scope: audience, tenant, roles, clearance, compartments. */
export function desiredMappers(def: RealmDefinition): MapperSpec[] {
  return [
    {
      name: 'vigie-audience',
      protocolMapper: 'oidc-audience-mapper',
      config: { 'included.client.audience': def.clients.audience, 'access.token.claim': 'true', 'introspection.token.claim': 'true', 'id.token.claim': 'false' },
    },
    {
      name: 'vigie-tenant',
      protocolMapper: 'oidc-hardcoded-claim-mapper',
      config: { 'claim.name': 'tenant', 'claim.value': def.realm, 'jsonType.label': 'String', ...inAccessToken },
    },
    {
      name: 'vigie-roles',
      protocolMapper: 'oidc-usermodel-realm-role-mapper',
      config: { 'claim.name': 'roles', 'jsonType.label': 'String', multivalued: 'true', ...inAccessToken },
    },
    {
      name: 'vigie-clearance',
      protocolMapper: 'oidc-usermodel-attribute-mapper',
      config: { 'user.attribute': 'clearance', 'claim.name': 'clearance', 'jsonType.label': 'String', multivalued: 'false', 'aggregate.attrs': 'false', ...inAccessToken },
    },
    {
      name: 'vigie-compartments',
      protocolMapper: 'oidc-usermodel-attribute-mapper',
      config: { 'user.attribute': 'compartments', 'claim.name': 'compartments', 'jsonType.label': 'String', multivalued: 'true', 'aggregate.attrs': 'false', ...inAccessToken },
    },
  ];
}

export interface UserProfileAttribute {
  name: string;
  displayName?: string;
  validations?: Record<string, Record<string, unknown>>;
  permissions?: { view?: string[]; edit?: string[] };
  multivalued?: boolean;
  annotations?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The user-profile attributes `clearance` and `compartments`: only administrators edit them (a
 * user must never raise their own clearance in the account console); the user may see them.
 */
export function desiredProfileAttributes(def: RealmDefinition): UserProfileAttribute[] {
  const compartmentValidations: Record<string, Record<string, unknown>> = {
    pattern: { pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', 'error-message': 'compartment names are lowercase letters, digits, "-" or "_"' },
  };
  if (def.compartments.length) compartmentValidations['options'] = { options: def.compartments.map((c) => c.name) };
  return [
    {
      name: 'clearance',
      displayName: 'Clearance',
      validations: { options: { options: [...CLEARANCE_LEVELS] } },
      permissions: { view: ['admin', 'user'], edit: ['admin'] },
      multivalued: false,
      annotations: { inputType: 'select' },
    },
    {
      name: 'compartments',
      displayName: 'Compartments',
      validations: compartmentValidations,
      permissions: { view: ['admin', 'user'], edit: ['admin'] },
      multivalued: true,
      annotations: { inputType: 'multiselect' },
    },
  ];
}

export type ClientKind = 'audience' | 'console' | 'service' | 'test';

/** Client representations (the fields Vigie manages) for every client of the definition. */
export function desiredClients(def: RealmDefinition): { kind: ClientKind; clientId: string; rep: Record<string, unknown>; attributes: Record<string, string> }[] {
  const noFlows = { standardFlowEnabled: false, implicitFlowEnabled: false, directAccessGrantsEnabled: false, serviceAccountsEnabled: false };
  const common = { protocol: 'openid-connect', enabled: true, frontchannelLogout: false, consentRequired: false, fullScopeAllowed: true };
  const grants = { 'oauth2.device.authorization.grant.enabled': 'false', 'oidc.ciba.grant.enabled': 'false' };
  const out: ReturnType<typeof desiredClients> = [
    {
      kind: 'audience',
      clientId: def.clients.audience,
      rep: { ...common, ...noFlows, name: 'Vigie API (token audience)', publicClient: false, bearerOnly: false },
      attributes: grants,
    },
  ];
  const c = def.clients.console;
  if (c) {
    out.push({
      kind: 'console',
      clientId: c.clientId,
      rep: { ...common, ...noFlows, name: 'Vigie web console', publicClient: true, standardFlowEnabled: true, redirectUris: c.redirectUris, webOrigins: c.webOrigins },
      attributes: { ...grants, 'pkce.code.challenge.method': 'S256', ...(c.postLogoutRedirectUris.length ? { 'post.logout.redirect.uris': c.postLogoutRedirectUris.join('##') } : {}) },
    });
  }
  for (const s of def.clients.services) {
    out.push({
      kind: 'service',
      clientId: s.clientId,
      rep: { ...common, ...noFlows, name: s.description ?? `Service account ${s.clientId}`, publicClient: false, clientAuthenticatorType: 'client-secret', serviceAccountsEnabled: true },
      attributes: grants,
    });
  }
  for (const t of def.clients.test) {
    out.push({
      kind: 'test',
      clientId: t.clientId,
      rep: { ...common, ...noFlows, name: `Test client ${t.clientId} (password grant, development only)`, publicClient: true, directAccessGrantsEnabled: true },
      attributes: grants,
    });
  }
  return out;
}

/** Field names whose desired value differs from the actual one (arrays compared as sets). */
export function driftedFields(desired: Record<string, unknown>, actual: Record<string, unknown> | undefined): string[] {
  return Object.keys(desired).filter((k) => !sameValue(desired[k], actual?.[k]));
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && JSON.stringify([...a].map(stable).sort()) === JSON.stringify([...b].map(stable).sort());
  }
  if (Array.isArray(a) && b === undefined) return a.length === 0;
  return stable(a) === stable(b);
}

function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}
