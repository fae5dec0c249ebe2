import { loadConfig, sizeInBytes, z } from '@vigie/shared-config';
import { parseDuration } from './upload-session.util';

/** "4gb", "500mb", "1024kb" or a number of bytes → bytes (binary units): whole numbers only. */
export function parseByteSize(value: string): number {
  if (!/^\s*\d+\s*(b|kb|mb|gb|tb)?\s*$/i.test(value)) throw new Error(`"${value}" is not a size such as 4gb, 500mb, 1024kb or a number of bytes`);
  return sizeInBytes(value);
}

/** A duration setting ("24h", "30m", "90s", "500ms") read as milliseconds, at least `minMs`. */
function duration(defaultValue: string, minMs: number, minLabel: string) {
  return z
    .string()
    .regex(/^\s*\d+\s*(ms|s|m|h|d)\s*$/i, 'must be a duration such as 24h, 30m, 90s or 500ms')
    .default(defaultValue)
    .transform(parseDuration)
    .refine((n) => n >= minMs, `must be at least ${minLabel}`);
}

/**
 * Settings of the gateway's ingestion routes. `INGEST_MAX_UPLOAD_SIZE`: the largest file one
 * upload may store (default 4gb); a larger upload is refused with 413 and nothing of it is kept.
 * `INGEST_UPLOAD_SESSION_TTL`: how long a resumable upload session stays without activity before it
 * and its chunks are deleted (default 24h; `30m`, `90s`, `2d`…). `INGEST_UPLOAD_COMPLETE_LEASE`: how
 * long a session stays `completing` before another `complete` may take it over (default 60s): the
 * gateway running the first one died in it.
 */
export const ingestionGatewayConfigSchema = z.object({
  INGEST_MAX_UPLOAD_SIZE: z
    .string()
    .regex(/^\s*\d+\s*(b|kb|mb|gb|tb)?\s*$/i, 'must be a size such as 4gb, 500mb, 1024kb or a number of bytes')
    .default('4gb')
    .transform(parseByteSize)
    .refine((n) => n >= 1, 'must be at least 1 byte'),
  INGEST_UPLOAD_SESSION_TTL: duration('24h', 1000, '1s'),
  INGEST_UPLOAD_COMPLETE_LEASE: duration('60s', 100, '100ms'),
});
export type IngestionGatewayConfig = z.infer<typeof ingestionGatewayConfigSchema>;
export const INGESTION_GATEWAY_CONFIG = Symbol('INGESTION_GATEWAY_CONFIG');

/** Reads the ingestion routes' settings through the config library (throws naming a bad variable). */
export function loadIngestionGatewayConfig(env?: Record<string, string | undefined>): IngestionGatewayConfig {
  return loadConfig('gateway', ingestionGatewayConfigSchema, env);
}
