import { baseConfigSchema, keycloakConfigSchema, z } from '@vigie/shared-config';

export const gatewayConfigSchema = baseConfigSchema.extend(keycloakConfigSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HTTP_HOST: z.string().default('0.0.0.0'),
  /** Largest JSON body accepted (uploads stream separately). */
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'must look like 1mb or 512kb').default('1mb'),
  /** Per-service health check timeout of the aggregate health endpoint. */
  HEALTH_TIMEOUT_MS: z.coerce.number().int().min(100).max(30000).default(2000),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
