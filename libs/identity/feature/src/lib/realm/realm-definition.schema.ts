import { z } from 'zod';
import { CLEARANCE_LEVELS, VIGIE_REALM_ROLES } from '@vigie/identity-contracts';

const name = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lowercase letters, digits, ".", "_", "-" (at most 63)');
const compartmentName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 lowercase letters, digits, "-" or "_"');
const clearance = z.enum(CLEARANCE_LEVELS);
const role = z.enum(VIGIE_REALM_ROLES);
/** Name of a secret file in REALM_SECRETS_DIR (never the secret itself: realm files are in git). */
const secretRef = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be a secret file name (lowercase letters, digits, ".", "_", "-")');
const unique = <T extends z.ZodType>(item: T) => z.array(item).refine((l) => new Set(l).size === l.length, 'must not repeat');
const url = z.string().regex(/^(https?:\/\/[^\s]+|\+|\*)$/, 'must be an http(s) URL (or "+" / "*" where Keycloak allows it)');

export const bruteForceSchema = z.strictObject({
  enabled: z.boolean().default(true),
  permanentLockout: z.boolean().default(false),
  failureFactor: z.number().int().min(1).max(100).default(5),
  waitIncrementSeconds: z.number().int().min(1).default(60),
  maxFailureWaitSeconds: z.number().int().min(1).default(900),
  maxDeltaTimeSeconds: z.number().int().min(1).default(43_200),
  minimumQuickLoginWaitSeconds: z.number().int().min(1).default(60),
  quickLoginCheckMilliSeconds: z.number().int().min(1).default(1000),
});

export const tokenSettingsSchema = z.strictObject({
  accessTokenLifespanSeconds: z.number().int().min(60).max(3600).default(300),
  ssoSessionIdleTimeoutSeconds: z.number().int().min(60).default(1800),
  ssoSessionMaxLifespanSeconds: z.number().int().min(60).default(36_000),
  revokeRefreshToken: z.boolean().default(true),
});

export const securitySchema = z.strictObject({
  sslRequired: z.enum(['all', 'external', 'none']).default('external'),
  bruteForce: bruteForceSchema.default(bruteForceSchema.parse({})),
  tokens: tokenSettingsSchema.default(tokenSettingsSchema.parse({})),
  passwordPolicy: z.string().min(1).default('length(12) and upperCase(1) and lowerCase(1) and digits(1) and specialChars(1) and notUsername and passwordHistory(5)'),
  loginWithEmailAllowed: z.boolean().default(true),
  resetPasswordAllowed: z.boolean().default(false),
  rememberMe: z.boolean().default(false),
});

export const groupSchema = z.strictObject({
  name,
  description: z.string().max(255).optional(),
  roles: unique(role).default([]),
});

export const consoleClientSchema = z.strictObject({
  clientId: name.default('vigie-console'),
  redirectUris: z.array(url).min(1),
  webOrigins: z.array(url).default([]),
  postLogoutRedirectUris: z.array(url).default([]),
});

export const serviceClientSchema = z.strictObject({
  clientId: name,
  description: z.string().max(255).optional(),
  /** Secret file holding the client secret (generated in development when missing). */
  secretRef,
  roles: unique(role).default([]),
  clearance: clearance.default('NP'),
  compartments: unique(compartmentName).default([]),
});

/** A public client allowed the password grant: for development and tests only, never in production realms. */
export const testClientSchema = z.strictObject({
  clientId: name,
  directAccessGrants: z.literal(true),
});

export const seedUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._@-]{1,99}$/, 'must be 2-100 lowercase letters, digits, ".", "_", "@" or "-"'),
  email: z.email(),
  firstName: z.string().min(1).max(100),
  lastName: z.string().min(1).max(100),
  /** Secret file holding the initial password. */
  passwordRef: secretRef,
  temporaryPassword: z.boolean().default(false),
  clearance: clearance.default('NP'),
  compartments: unique(compartmentName).default([]),
  roles: unique(role).default([]),
  groups: unique(name).default([]),
});

/**
 * A realm (= a tenant) as code. Reconciled into Keycloak by `reconcile-realms`: what is missing
 * is created, drift is corrected; users listed here are only seeded (created when missing) and
 * users are never deleted or changed by the reconciler — administrators manage them.
 */
export const realmDefinitionSchema = z
  .strictObject({
    realm: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, "_" or "-" (at most 63)'),
    displayName: z.string().min(1).max(255),
    enabled: z.boolean().default(true),
    security: securitySchema.default(securitySchema.parse({})),
    /** Need-to-know compartments of this tenant (the allowed values of the `compartments` attribute). */
    compartments: z.array(z.strictObject({ name: compartmentName, description: z.string().max(255).optional() })).default([]),
    /** Groups = units. */
    groups: z.array(groupSchema).default([]),
    clients: z
      .strictObject({
        /** The audience every access token carries (the gateway). */
        audience: name.default('vigie-gateway'),
        console: consoleClientSchema.optional(),
        services: z.array(serviceClientSchema).default([]),
        test: z.array(testClientSchema).default([]),
      })
      .default({ audience: 'vigie-gateway', services: [], test: [] }),
    users: z.array(seedUserSchema).default([]),
  })
  .superRefine((def, ctx) => {
    const compartments = new Set(def.compartments.map((c) => c.name));
    const groups = new Set(def.groups.map((g) => g.name));
    const dup = <T>(list: T[], key: (t: T) => string, path: string) => {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        const k = key(item);
        if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [path, i], message: `"${k}" is declared twice` });
        seen.add(k);
      });
    };
    dup(def.compartments, (c) => c.name, 'compartments');
    dup(def.groups, (g) => g.name, 'groups');
    dup(def.users, (u) => u.username, 'users');
    const clientIds = [def.clients.audience, ...(def.clients.console ? [def.clients.console.clientId] : []), ...def.clients.services.map((s) => s.clientId), ...def.clients.test.map((t) => t.clientId)];
    const seen = new Set<string>();
    for (const id of clientIds) {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: ['clients'], message: `client "${id}" is declared twice` });
      seen.add(id);
    }
    const checkCompartments = (list: string[], path: (string | number)[]) =>
      list.forEach((c, i) => {
        if (!compartments.has(c)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `compartment "${c}" is not declared in compartments` });
      });
    def.users.forEach((u, i) => {
      checkCompartments(u.compartments, ['users', i, 'compartments']);
      u.groups.forEach((g, j) => {
        if (!groups.has(g)) ctx.addIssue({ code: 'custom', path: ['users', i, 'groups', j], message: `group "${g}" is not declared in groups` });
      });
    });
    def.clients.services.forEach((s, i) => checkCompartments(s.compartments, ['clients', 'services', i, 'compartments']));
  });

export type RealmDefinition = z.infer<typeof realmDefinitionSchema>;
export type SeedUser = z.infer<typeof seedUserSchema>;
export type ServiceClientDefinition = z.infer<typeof serviceClientSchema>;
