import { authConfigSchema, keycloakIssuerConfigSchema } from '@vigie/shared-auth';
import { baseConfigSchema, databaseConfigSchema, keycloakConfigSchema, secret, z } from '@vigie/shared-config';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/** Configuration of the identity service (environment variable names). */
export const identityConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(keycloakConfigSchema.shape)
  .extend(keycloakIssuerConfigSchema.shape)
  .extend(authConfigSchema.shape)
  .extend({
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('identity'),
    /** Realm the admin client authenticates in. */
    KEYCLOAK_ADMIN_REALM: z.string().min(1).default('master'),
    /** Local development: the bootstrap admin (through admin-cli). */
    KEYCLOAK_ADMIN_USER: z.string().min(1).optional(),
    KEYCLOAK_ADMIN_PASSWORD: secret(z.string().min(1).optional()),
    /** Production: a confidential client of the admin realm with the realm-management roles it needs. */
    KEYCLOAK_ADMIN_CLIENT_ID: z.string().min(1).optional(),
    KEYCLOAK_ADMIN_CLIENT_SECRET: secret(z.string().min(1).optional()),
    /** Directory of realm definitions (`*.yaml`), for `reconcile-realms`. */
    REALMS_DIR: z.string().min(1).optional(),
    /** Directory of secrets named by realm files (client secrets, seed passwords). */
    REALM_SECRETS_DIR: z.string().min(1).optional(),
    /** Development only: create missing secrets in REALM_SECRETS_DIR. */
    REALM_SECRETS_GENERATE: flag,
    /** How long the tenant list is reused. */
    TENANT_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  })
  .superRefine((c, ctx) => {
    const client = Boolean(c.KEYCLOAK_ADMIN_CLIENT_ID && c.KEYCLOAK_ADMIN_CLIENT_SECRET);
    const user = Boolean(c.KEYCLOAK_ADMIN_USER && c.KEYCLOAK_ADMIN_PASSWORD);
    if (!client && !user) {
      const missing = c.KEYCLOAK_ADMIN_CLIENT_ID ? 'KEYCLOAK_ADMIN_CLIENT_SECRET' : c.KEYCLOAK_ADMIN_USER ? 'KEYCLOAK_ADMIN_PASSWORD' : 'KEYCLOAK_ADMIN_CLIENT_ID';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'set KEYCLOAK_ADMIN_CLIENT_ID + KEYCLOAK_ADMIN_CLIENT_SECRET (production) or KEYCLOAK_ADMIN_USER + KEYCLOAK_ADMIN_PASSWORD (development)' });
    }
  });
export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');
