import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { runMigrations } from '@vigie/shared-persistence';
import { auditHealthCheck } from '@vigie/audit-contracts';
import { AUDIT_MIGRATIONS } from '@vigie/audit-data-access';
import {
  AUDIT_WRITER_CONSUMER,
  AuditFeatureModule,
  AuditReader,
  AuditRetention,
  AuditStoreHealthIndicator,
  loadAuditKeys,
  openAuditStore,
} from '@vigie/audit-feature';
import { AuditConfig, auditConfigSchema } from './audit.config';

/**
 * The audit service. No `persistence` block on purpose: that would open a MikroORM pool with the
 * schema owner's URL in the running service. Migrations run as the owner through the `migrate`
 * command; the service itself only ever connects as the writer role (see docs/adr/0010).
 */
export const auditService: NatsServiceDefinition<AuditConfig> = {
  service: 'audit',
  version: VIGIE_VERSION,
  configSchema: auditConfigSchema,
  healthContract: auditHealthCheck,
  imports: (config) => [AuditFeatureModule.register(config)],
  consumers: [AUDIT_WRITER_CONSUMER],
  healthIndicators: [AuditStoreHealthIndicator],
  commands: {
    migrate: async (config, logger) => {
      if (!config.DATABASE_URL) throw new Error('DATABASE_URL (the audit schema owner) is required to run migrations');
      const result = await runMigrations({
        service: 'audit',
        config: { DATABASE_URL: config.DATABASE_URL, DATABASE_SCHEMA: config.DATABASE_SCHEMA, DATABASE_POOL_MAX: 2 },
        entities: [],
        migrations: AUDIT_MIGRATIONS,
      });
      logger.info(result, result.applied.length ? 'migrations applied' : 'database schema already up to date');
    },
    /** Archives and removes the segments past AUDIT_RETENTION_DAYS once, then exits (a CronJob can run it). */
    retention: async (config, logger) => {
      const keys = loadAuditKeys(config.AUDIT_SIGNING_KEY, config.AUDIT_RETIRED_PUBLIC_KEYS);
      const store = openAuditStore(config);
      try {
        const reader = new AuditReader(store, keys, config.AUDIT_EXPORT_CHUNK_BYTES);
        const retention = new AuditRetention(store, reader, keys, {
          retentionDays: config.AUDIT_RETENTION_DAYS,
          ...(config.AUDIT_ARCHIVE_DIR ? { archiveDir: config.AUDIT_ARCHIVE_DIR } : {}),
        });
        const segments = await retention.run();
        logger.info({ segments }, segments.length ? 'audit segments archived and removed' : 'nothing past retention');
      } finally {
        await store.close();
      }
    },
  },
};
