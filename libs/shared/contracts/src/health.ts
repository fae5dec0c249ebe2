import { z } from 'zod';
import { defineRequest, ServiceName } from './contract';

export const dependencyHealthSchema = z.object({
  name: z.string(),
  /** `degraded`: reachable and serving, with a problem an operator must act on (the `error` says which). */
  status: z.enum(['up', 'degraded', 'down']),
  version: z.string().optional(),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
  /** JetStream: bytes stored, and the store's limit when known. */
  storageBytes: z.number().optional(),
  storageLimitBytes: z.number().optional(),
});

export const serviceHealthSchema = z.object({
  service: z.string(),
  status: z.enum(['up', 'degraded', 'down']),
  version: z.string(),
  uptimeSeconds: z.number(),
  traceId: z.string().optional(),
  dependencies: z.array(dependencyHealthSchema),
});
export type ServiceHealth = z.infer<typeof serviceHealthSchema>;
export type DependencyHealth = z.infer<typeof dependencyHealthSchema>;

/** Every NATS service answers `<service>.v1.health.check`; the gateway aggregates them. */
export function defineHealthContract(service: Exclude<ServiceName, 'gateway'>) {
  return defineRequest({
    subject: `${service}.v1.health.check`,
    description: `Health of the ${service} service and of its own dependencies`,
    request: z.object({}).strict(),
    response: serviceHealthSchema,
  });
}
