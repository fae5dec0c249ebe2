import { z } from 'zod';
import { defineRequest } from '@vigie/shared-contracts';

/** A realm (= tenant) name as Keycloak accepts it in a URL path. */
export const REALM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const realmNameSchema = z.string().regex(REALM_PATTERN, 'must be a realm name (letters, digits, ".", "_", "-"; at most 100)');

const jwkSchema = z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional(), use: z.string().optional() });

/**
 * Signing keys of a realm, served by identity (the only service besides the gateway that reaches
 * Keycloak). These request contracts live here, in the shared auth library, because every
 * service's token verifier uses them; identity implements them.
 */
export const identityJwksGet = defineRequest({
  subject: 'identity.v1.jwks.get',
  description: 'Signing keys (JWKS) and exact issuer of one tenant realm; UNKNOWN_REALM when the realm is no Vigie tenant',
  request: z.strictObject({ realm: realmNameSchema }),
  response: z.object({ realm: z.string(), issuer: z.string(), keys: z.array(jwkSchema) }),
});

export const tenantSummarySchema = z.object({
  realm: z.string(),
  displayName: z.string().optional(),
  enabled: z.boolean(),
});
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const identityTenantList = defineRequest({
  subject: 'identity.v1.tenant.list',
  description: 'The tenants of the platform: the Keycloak realms reconciled as Vigie tenants',
  request: z.strictObject({}),
  response: z.object({ tenants: z.array(tenantSummarySchema) }),
});

/**
 * Client-credentials token of a service in a realm (services do not reach Keycloak themselves):
 * identity passes the client's own credentials to the realm's token endpoint.
 */
export const identityServiceTokenIssue = defineRequest({
  subject: 'identity.v1.service-token.issue',
  description: "A service's client-credentials access token in one realm, for work it does on its own behalf",
  request: z.strictObject({ realm: realmNameSchema, clientId: z.string().min(1).max(255), clientSecret: z.string().min(1).max(1000) }),
  response: z.object({ accessToken: z.string().min(1), expiresIn: z.number().int().positive() }),
});
