import { authConfigSchema, keycloakIssuerConfigSchema } from '@vigie/shared-auth';
import { loadConfig, z } from '@vigie/shared-config';

/** Token verification settings of the gateway (AUTH_*, JWKS_*, KEYCLOAK_ISSUER_URL). */
export const gatewayAuthConfigSchema = authConfigSchema.extend(keycloakIssuerConfigSchema.shape).extend({
  /** How long the tenant list (from identity) is reused. */
  TENANT_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Longest wait for JetStream to acknowledge the audit event of a refused token. */
  AUTH_AUDIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
});
export type GatewayAuthConfig = z.infer<typeof gatewayAuthConfigSchema>;

/** Reads the gateway's auth settings through the config library (throws naming bad variables). */
export function loadGatewayAuthConfig(env?: Record<string, string | undefined>): GatewayAuthConfig {
  return loadConfig('gateway', gatewayAuthConfigSchema, env);
}
