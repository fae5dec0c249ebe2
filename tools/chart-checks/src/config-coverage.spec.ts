import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podTemplates } from './lib/policies';
import { type K8sObject, renderChart } from './lib/render';
import { workspaceRoot } from './lib/tools';

/**
 * Every variable a service's config schema declares is either set by the chart or deliberately left
 * to its schema default (or to extraEnv). The keys are read from the schema sources at test time,
 * so a variable added to a schema fails here until the chart wires it or this file says why not.
 */
// `file#export` reads one exported schema of a file; `file` all of it.
const SHARED = 'libs/shared/config/src/lib/config.ts';
const AUTH = 'libs/shared/auth/src/lib/auth.config.ts';
const BASE = [`${SHARED}#baseConfigSchema`, `${AUTH}#authConfigSchema`];
const DATABASE = `${SHARED}#databaseConfigSchema`;
const KEYCLOAK = [`${SHARED}#keycloakConfigSchema`, `${AUTH}#keycloakIssuerConfigSchema`];
const SCHEMAS: Record<string, string[]> = {
  gateway: [...BASE, ...KEYCLOAK, 'libs/gateway/feature/src/lib/gateway.config.ts', 'libs/gateway/feature/src/lib/auth/gateway-auth.config.ts', 'libs/gateway/feature/src/lib/console/console.config.ts', 'libs/gateway/feature/src/lib/ingestion/ingestion-gateway.config.ts'],
  identity: [...BASE, DATABASE, ...KEYCLOAK, 'libs/identity/feature/src/lib/identity.config.ts'],
  ingestion: [...BASE, DATABASE, 'apps/ingestion/src/app/ingestion.config.ts', 'libs/ingestion/feature/src/lib/ingestion-feature.config.ts'],
  ontology: [...BASE, DATABASE, 'apps/ontology/src/app/ontology.config.ts'],
  analytics: [...BASE, DATABASE, 'libs/analytics/feature/src/lib/analytics-feature.config.ts'],
  audit: [...BASE, DATABASE, 'apps/audit/src/app/audit.config.ts', 'libs/audit/feature/src/lib/audit-feature.config.ts'],
};

/** Left to the schema default on purpose (tunable through services.<name>.extraEnv). */
const TUNING = ['JWKS_CACHE_TTL_SECONDS', 'JWKS_REFETCH_MIN_INTERVAL_MS', 'TENANT_CACHE_TTL_MS', 'DATABASE_POOL_MAX'];
const LEFT_TO_DEFAULT: Record<string, string[]> = {
  // Base: VIGIE_TRACE_FILE is for local tests only; OTEL_* and the CA are set when configured.
  all: ['VIGIE_TRACE_FILE', 'OTEL_EXPORTER_OTLP_ENDPOINT', ...TUNING],
  gateway: ['HTTP_HOST', 'BODY_LIMIT', 'HEALTH_TIMEOUT_MS', 'AUTH_AUDIT_TIMEOUT_MS', 'KEYCLOAK_ISSUER_URL', 'CONSOLE_KEYCLOAK_URL', 'CONSOLE_DEFAULT_REALM', 'INGEST_MAX_UPLOAD_SIZE'],
  // Development-only admin login and secret generation; the admin realm defaults to master;
  // REALMS_DIR and REALM_SECRETS_DIR are set in the realm reconciler Job only.
  identity: ['REALMS_DIR', 'REALM_SECRETS_DIR', 'KEYCLOAK_ADMIN_REALM', 'KEYCLOAK_ADMIN_USER', 'KEYCLOAK_ADMIN_PASSWORD', 'REALM_SECRETS_GENERATE', 'KEYCLOAK_ISSUER_URL'],
  // The gateway writes uploads to the fixed bucket "ingest-uploads": the bucket must not be changed on one side only.
  ingestion: ['INGESTION_BUCKET', 'INGESTION_MAX_INFLIGHT_BATCHES', 'INGESTION_MAX_UNPROCESSED_BATCHES', 'INGESTION_BATCH_MAX_ITEMS', 'INGESTION_LEASE_MS', 'INGESTION_POLL_MS', 'INGESTION_QUARANTINE_FLUSH'],
  ontology: ['ONTOLOGY_DEFAULT_TENANTS', 'PURPOSE_REQUIRED_FROM_LEVEL'],
  analytics: ['ANALYTICS_DB_POOL_MAX', 'PURPOSE_REQUIRED_FROM_LEVEL', 'PROJECTION_LAG_POLL_MS', 'PROJECTION_BATCH_SIZE', 'PROJECTION_HOLD_DELAY_MS'],
  // DATABASE_URL (the owner) is the migration Job's only; retired keys are set when there are some.
  audit: ['DATABASE_URL', 'AUDIT_RETIRED_PUBLIC_KEYS', 'AUDIT_PLATFORM_AUDITOR_REALMS', 'AUDIT_BATCH_SIZE', 'AUDIT_RETENTION_CHECK_SECONDS', 'AUDIT_EXPORT_CHUNK_BYTES'],
};

/** Keys of the zod objects in a schema source (`  NAME: z…`, `  NAME: secret(…)` lines), of one export when named. */
function schemaKeys(text: string, exportName?: string): string[] {
  let source = text;
  if (exportName) {
    const start = text.indexOf(`export const ${exportName} =`);
    if (start < 0) throw new Error(`no export ${exportName}`);
    const end = text.indexOf('\nexport ', start + 1);
    source = text.slice(start, end < 0 ? undefined : end);
  }
  return [...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):\s*(?:z\b|secret\(|port\b|url\(|flag\b|postgresUrl\b|databaseConfigSchema\b|duration\(|byteSize\b)/gm)].map((m) => m[1]!);
}

const envNames = (objects: K8sObject[], service: string) => {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === service)!;
  return (podTemplates([deployment])[0]!.spec.containers[0]!.env ?? []).map((e) => e.name);
};

describe('the chart covers the services\' config schemas', () => {
  const objects = renderChart();

  it('reads the keys of a schema source', () => {
    const source = "export const s = z.object({\n  /** doc */\n  A_B: z.string(),\n  SECRET_X: secret(z.string().optional()),\n  lower: z.string(),\n  CC: port,\n  TTL: duration('24h', 1000, '1s'),\n  SIZE: byteSize.optional(),\n});\nexport const t = z.object({\n  OTHER: z.string(),\n});";
    expect(schemaKeys(source)).toEqual(['A_B', 'SECRET_X', 'CC', 'TTL', 'SIZE', 'OTHER']);
    expect(schemaKeys(source, 't')).toEqual(['OTHER']);
    expect(() => schemaKeys(source, 'u')).toThrow('no export u');
  });

  it.each(Object.keys(SCHEMAS))('%s: every schema variable is wired or deliberately left to its default', (service) => {
    const keys = new Set(
      SCHEMAS[service]!.flatMap((ref) => {
        const [file, name] = ref.split('#');
        return schemaKeys(readFileSync(join(workspaceRoot, file!), 'utf8'), name);
      }),
    );
    expect(keys.size).toBeGreaterThan(10);
    const rendered = new Set(envNames(objects, service));
    const allowed = new Set([...LEFT_TO_DEFAULT['all']!, ...(LEFT_TO_DEFAULT[service] ?? [])]);
    const unwired = [...keys].filter((k) => !rendered.has(k) && !allowed.has(k)).sort();
    expect(unwired).toEqual([]);
    // A variable the chart sets that no schema declares is a typo or a leftover.
    const known = new Set([...keys, 'NODE_EXTRA_CA_CERTS', 'OTEL_SERVICE_NAME']);
    expect([...rendered].filter((k) => !known.has(k)).sort()).toEqual([]);
  });
});
