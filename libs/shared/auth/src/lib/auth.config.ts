import { secret, z } from '@vigie/shared-config';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/**
 * Token verification settings, for every service (merge into the service's config schema).
 * NATS services need nothing else: identity gives them each realm's keys and exact issuer.
 */
export const authConfigSchema = z.object({
  /** The audience every access token must carry (the gateway's client). */
  AUTH_AUDIENCE: z.string().min(1).default('vigie-gateway'),
  /** Accepted signature algorithms (comma-separated). Never `none`, never HMAC. */
  AUTH_ALGORITHMS: z
    .string()
    .default('RS256')
    .refine((v) => v.split(',').every((a) => (ALGORITHMS as readonly string[]).includes(a.trim())), `must be a comma-separated list of ${ALGORITHMS.join(', ')}`),
  /** Tolerated clock skew for `exp`/`nbf`, bounded. */
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(120).default(30),
  /** How long a realm's key set is reused before it is fetched again. */
  JWKS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Least time between two fetches of one realm's keys caused by an unknown `kid`. */
  JWKS_REFETCH_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  /** Client-credentials of this service in every realm (work it does on its own behalf). */
  SERVICE_CLIENT_ID: z.string().min(1).optional(),
  SERVICE_CLIENT_SECRET: secret(z.string().min(1).optional()),
});
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** For the gateway and identity, which reach Keycloak: the issuer base when it differs from KEYCLOAK_URL. */
export const keycloakIssuerConfigSchema = z.object({
  KEYCLOAK_ISSUER_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), 'must be an http(s) URL')
    .optional(),
});

export function allowedAlgorithms(config: Pick<AuthConfig, 'AUTH_ALGORITHMS'>): string[] {
  return config.AUTH_ALGORITHMS.split(',').map((a) => a.trim());
}
