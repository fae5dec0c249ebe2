import { authConfigSchema } from '@vigie/shared-auth';
import { secret, z } from '@vigie/shared-config';
import { PLATFORM_TENANT, TENANT_PATTERN } from '@vigie/audit-contracts';

const postgresUrl = z.string().refine((value) => {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be a URL with scheme postgres or postgresql');

/**
 * Settings of the audit service's features (keys = environment variable names). The PEM and the
 * writer URL are optional here because the `migrate` and `setup-streams` commands do not need them;
 * serving refuses to start without them (see `loadAuditSigningKey`, `AuditFeatureModule`).
 */
export const auditFeatureConfigSchema = authConfigSchema.extend({
  /** The writer role's URL (INSERT + SELECT only) — the only database login of the running service. */
  AUDIT_WRITER_DATABASE_URL: secret(postgresUrl.optional()),
  /** Ed25519 private key, PKCS#8 PEM (`openssl genpkey -algorithm ed25519`), signs checkpoints. */
  AUDIT_SIGNING_KEY: secret(z.string().min(1).optional()),
  /** Older public keys (SPKI PEMs, concatenated) that still verify checkpoints they signed. */
  AUDIT_RETIRED_PUBLIC_KEYS: z.string().min(1).optional(),
  /** Sign a checkpoint after this many new records of a tenant… */
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** …or after this many seconds with unsigned records. */
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Events fetched from the AUDIT stream and chained per transaction. */
  AUDIT_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Records older than this many days are archived and removed; 0 keeps everything. */
  AUDIT_RETENTION_DAYS: z.coerce.number().min(0).max(36_500).default(0),
  /** Where archived segments (NDJSON exports with their checkpoints) are written. */
  AUDIT_ARCHIVE_DIR: z.string().min(1).optional(),
  /** How often the service checks for segments past retention (when AUDIT_RETENTION_DAYS > 0). */
  AUDIT_RETENTION_CHECK_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  /**
   * Realms (comma-separated) whose `vigie-auditor`s may read and verify the platform chain
   * (`_platform`: events without a tenant, e.g. requests without a valid token). Empty (the
   * default): nobody — that chain names no tenant, so no tenant's auditor reads it unless the
   * operator designates the realm of the platform's own auditors.
   */
  AUDIT_PLATFORM_AUDITOR_REALMS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((r) => r.trim()).filter(Boolean))
    .refine((realms) => realms.every((r) => r !== PLATFORM_TENANT && TENANT_PATTERN.test(r)), 'must be realm names separated by commas'),
  /** Approximate size of one streamed export chunk (bytes of NDJSON per NATS reply). */
  AUDIT_EXPORT_CHUNK_BYTES: z.coerce.number().int().min(4096).max(768 * 1024).default(256 * 1024),
});
export type AuditFeatureConfig = z.infer<typeof auditFeatureConfigSchema>;

/** What the feature module needs of the app's configuration. */
export type AuditServiceConfig = AuditFeatureConfig & {
  NODE_ENV: 'development' | 'test' | 'production';
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  DATABASE_SCHEMA: string;
  DATABASE_POOL_MAX: number;
  REQUEST_TIMEOUT_MS: number;
};

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
