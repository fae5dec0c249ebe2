import { z } from 'zod';

const secretSchemas = new WeakSet<z.ZodType>();

/** Marks a configuration value as secret: never logged, redacted in errors. */
export function secret<T extends z.ZodType>(schema: T): T {
  secretSchemas.add(schema);
  return schema;
}

export class ConfigException extends Error {
  constructor(
    readonly service: string,
    readonly problems: { variable: string; message: string }[],
  ) {
    super(
      `Invalid configuration for ${service}: ` +
        problems.map((p) => `${p.variable} ${p.message}`).join('; '),
    );
    this.name = 'ConfigException';
  }
}

const port = z.coerce.number().int().min(1).max(65535);

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, ki: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mi: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gi: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, ti: 1024 ** 4, tib: 1024 ** 4 };

/**
 * A size as bytes: `8GB`, `100Gi`, `512M`, `1048576`. Units are powers of 1024 whichever way they
 * are spelled — as nats-server reads `max_file_store` and as Kubernetes reads `Gi`.
 */
export function sizeInBytes(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`must be a size such as 8GB, 100Gi, 512M or a number of bytes (got "${value}")`);
  return Math.round(Number(match[1]) * unit);
}

/** A size setting read as bytes ({@link sizeInBytes}). */
export const byteSize = z.string().transform((value, ctx) => {
  try {
    return sizeInBytes(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL with scheme ${protocols.map((p) => p.replace(':', '')).join(' or ')}`);

/** Settings every service has. Keys are the environment variable names. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NATS_URL: z
    .string()
    .default('nats://127.0.0.1:4222')
    .refine((v) => v.split(',').every((s) => /^(nats|tls|ws|wss):\/\/[^\s]+$/.test(s.trim())), 'must be nats://host:port (comma-separated for a cluster)'),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: secret(z.string().min(1).optional()),
  HEALTH_PORT: port,
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(50).max(300_000).default(5000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
  /** Replicas of each JetStream stream, used by `setup-streams`: 1 locally, 3 on a NATS cluster. */
  STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  /**
   * The NATS servers' JetStream file store limit (`max_file_store`): with it, health reports
   * JetStream `degraded` from 90 % used — before a full store makes imports and audit wait.
   */
  NATS_JETSTREAM_MAX_STORAGE: byteSize.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  VIGIE_TRACE_FILE: z.string().min(1).optional(),
});

export const databaseConfigSchema = z.object({
  DATABASE_URL: secret(url(['postgres:', 'postgresql:'])),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
});

export const keycloakConfigSchema = z.object({
  KEYCLOAK_URL: url(['http:', 'https:']),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type DatabaseConfig = z.infer<typeof databaseConfigSchema>;

type Shape = z.ZodRawShape;

/**
 * Reads and validates one service's configuration from the environment. Throws a
 * {@link ConfigException} naming every missing or invalid variable (values of secrets are never
 * echoed). The only place of the platform that reads `process.env`.
 */
export function loadConfig<S extends Shape>(
  service: string,
  schema: z.ZodObject<S>,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigException(
      service,
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(config)');
        const missing = input[variable] === undefined;
        return { variable, message: missing ? 'is required but not set' : `is invalid: ${issue.message}` };
      }),
    );
  }
  return result.data;
}

/** A copy of a configuration with every secret value replaced, safe to log. */
export function redactConfig<S extends Shape>(schema: z.ZodObject<S>, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const field = schema.shape[key] as z.ZodType | undefined;
    out[key] = field && isSecret(field) && value !== undefined ? '***' : value;
  }
  return out;
}

function isSecret(schema: z.ZodType): boolean {
  if (secretSchemas.has(schema)) return true;
  const inner = (schema as unknown as { def?: { innerType?: z.ZodType } }).def?.innerType;
  return inner ? isSecret(inner) : false;
}

/** Reads the configuration or exits (code 78, EX_CONFIG) with the message naming the bad variables. */
export function configOrExit<C>(service: string, schema: z.ZodType<C> & { shape: z.ZodRawShape }): C {
  try {
    return loadConfig(service, schema as unknown as z.ZodObject<z.ZodRawShape>) as C;
  } catch (error) {
    if (error instanceof ConfigException) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}

/** The platform's version, reported by health endpoints and telemetry. */
export const VIGIE_VERSION = '0.1.0';

export { z };
