import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditException, AuditExceptionCode } from '@vigie/audit-contracts';
import { AuditStore } from '@vigie/audit-data-access';
import { AuthModule, AuthModuleOptions } from '@vigie/shared-auth';
import { AuditModule } from '@vigie/shared-audit-client';
import { createLogger } from '@vigie/shared-telemetry';
import { AUDIT_CONFIG, AuditServiceConfig } from './audit-feature.config';
import { AuditChainAccess } from './audit-chain-access';
import { AUDIT_KEYS, AuditKeyRing, loadAuditKeys } from './audit-keys';
import { AuditQueryController } from './audit-query.controller';
import { AuditReader } from './audit-reader.service';
import { AuditRetention } from './audit-retention.service';
import { AuditStoreHealthIndicator } from './audit-store.health';
import { AuditWriter } from './audit-writer.service';
import { AuditWriterConsumer } from './audit-writer.consumer';

/** Opens the writer role's pool; the owner's URL (DATABASE_URL) is for migrations only. */
export function openAuditStore(config: AuditServiceConfig): AuditStore {
  if (!config.AUDIT_WRITER_DATABASE_URL) {
    throw new AuditException(
      AuditExceptionCode.Unavailable,
      'AUDIT_WRITER_DATABASE_URL is not set: the audit service runs as the writer role (INSERT + SELECT only), never as the schema owner',
    );
  }
  return new AuditStore({ url: config.AUDIT_WRITER_DATABASE_URL, schema: config.DATABASE_SCHEMA, poolMax: config.DATABASE_POOL_MAX });
}

@Injectable()
class AuditLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: AuditStore,
    private readonly writer: AuditWriter,
    private readonly retention: AuditRetention,
    private readonly consumer: AuditWriterConsumer,
    @Inject(AUDIT_CONFIG) private readonly config: AuditServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    const logger = createLogger('audit', this.config.LOG_LEVEL);
    // Checkpoints left unsigned by a previous run.
    this.store
      .tenants()
      .then((tenants) => this.writer.checkpointPending(tenants))
      .catch((error: Error) => logger.warn({ err: error.message }, 'checkpoint of pending tenants at start failed'));
    if (this.config.AUDIT_RETENTION_DAYS > 0) {
      this.timer = setInterval(() => {
        this.retention
          .run()
          .then((segments) => segments.length && logger.info({ segments }, 'audit segments archived and removed'))
          .catch((error: Error) => logger.error({ err: error.message }, 'audit retention run failed'));
      }, this.config.AUDIT_RETENTION_CHECK_SECONDS * 1000);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // Nest runs shutdown hooks concurrently: the batch in hand must be committed (and acked)
    // before the pool closes, or it fails and is redelivered.
    await this.consumer.stop();
    await this.store.close();
  }
}

export interface AuditFeatureOptions {
  /** Overrides of the token verification wiring (tests). */
  auth?: Omit<AuthModuleOptions, 'config'>;
}

/**
 * The audit service: the `audit-writer` durable consumer that chains events, periodic signed
 * checkpoints, retention, and the auditors' request handlers. Needs `MessagingModule`.
 */
@Module({})
export class AuditFeatureModule {
  static register(config: AuditServiceConfig, options: AuditFeatureOptions = {}): DynamicModule {
    const keys = loadAuditKeys(config.AUDIT_SIGNING_KEY, config.AUDIT_RETIRED_PUBLIC_KEYS);
    if (config.AUDIT_RETENTION_DAYS > 0 && !config.AUDIT_ARCHIVE_DIR) {
      throw new AuditException(AuditExceptionCode.RetentionRefused, 'AUDIT_RETENTION_DAYS is set but AUDIT_ARCHIVE_DIR is not: segments are removed only after archiving');
    }
    return {
      module: AuditFeatureModule,
      imports: [AuthModule.forRoot({ config, ...(options.auth ?? {}) }), AuditModule.forRoot({ service: 'audit' })],
      controllers: [AuditQueryController],
      providers: [
        { provide: AUDIT_CONFIG, useValue: config },
        { provide: AUDIT_KEYS, useValue: keys },
        { provide: AuditChainAccess, useValue: new AuditChainAccess(config.AUDIT_PLATFORM_AUDITOR_REALMS) },
        { provide: AuditStore, useFactory: () => openAuditStore(config) },
        {
          provide: AuditWriter,
          inject: [AuditStore],
          useFactory: (store: AuditStore) => new AuditWriter(store, keys, { everyRecords: config.AUDIT_CHECKPOINT_EVERY, everySeconds: config.AUDIT_CHECKPOINT_SECONDS }),
        },
        { provide: AuditReader, inject: [AuditStore], useFactory: (store: AuditStore) => new AuditReader(store, keys, config.AUDIT_EXPORT_CHUNK_BYTES) },
        {
          provide: AuditRetention,
          inject: [AuditStore, AuditReader],
          useFactory: (store: AuditStore, reader: AuditReader) =>
            new AuditRetention(store, reader, keys, { retentionDays: config.AUDIT_RETENTION_DAYS, ...(config.AUDIT_ARCHIVE_DIR ? { archiveDir: config.AUDIT_ARCHIVE_DIR } : {}) }),
        },
        AuditWriterConsumer,
        AuditLifecycle,
        AuditStoreHealthIndicator,
      ],
      exports: [AuditStore, AuditReader, AuditWriter, AuditStoreHealthIndicator, AUDIT_KEYS],
    };
  }
}

export type { AuditKeyRing };
