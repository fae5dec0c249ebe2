import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AnalyticsDb, GraphQueryService, GraphRepository, SearchRepository, TimelineGeoRepository } from '@vigie/analytics-data-access';
import { AuthModule, JwksSource, NatsJwksSource } from '@vigie/shared-auth';
import { ServiceClient } from '@vigie/shared-messaging';
import { AnalyticsAuditRecorder } from './analytics-audit.recorder';
import type { AnalyticsFeatureConfig } from './analytics-feature.config';
import { AnalyticsQueryController } from './analytics-query.controller';
import { OntologyProjector } from './ontology-projector.service';
import { ProjectionLagMonitor } from './projection-lag.monitor';
import { StaticJwksSource } from './static-jwks.source';
import { ANALYTICS_CONFIG } from './tokens';

@Injectable()
class AnalyticsDbCloser implements OnApplicationShutdown {
  constructor(@Inject(AnalyticsDb) private readonly db: AnalyticsDb) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

/**
 * The analytics service: projections from ONTOLOGY (durable consumer), queries over NATS, lag
 * monitor. Global so that the service kit's health indicator can reach the lag monitor.
 */
@Global()
@Module({})
export class AnalyticsFeatureModule {
  static register(config: AnalyticsFeatureConfig): DynamicModule {
    return {
      module: AnalyticsFeatureModule,
      imports: [
        AuthModule.forRoot({
          config,
          jwksSource: {
            inject: [ServiceClient],
            useFactory: (client: ServiceClient): JwksSource => {
              const identity = new NatsJwksSource(client, config.REQUEST_TIMEOUT_MS);
              return config.AUTH_STATIC_JWKS_FILE ? new StaticJwksSource(config.AUTH_STATIC_JWKS_FILE, identity) : identity;
            },
          },
        }),
      ],
      controllers: [AnalyticsQueryController],
      providers: [
        { provide: ANALYTICS_CONFIG, useValue: config },
        {
          provide: AnalyticsDb,
          useFactory: () =>
            new AnalyticsDb({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, max: config.ANALYTICS_DB_POOL_MAX, applicationName: 'vigie-analytics' }),
        },
        AnalyticsDbCloser,
        { provide: SearchRepository, inject: [AnalyticsDb], useFactory: (db: AnalyticsDb) => new SearchRepository(db) },
        { provide: TimelineGeoRepository, inject: [AnalyticsDb], useFactory: (db: AnalyticsDb) => new TimelineGeoRepository(db) },
        { provide: GraphQueryService, inject: [AnalyticsDb], useFactory: (db: AnalyticsDb) => new GraphQueryService(new GraphRepository(db)) },
        AnalyticsAuditRecorder,
        ProjectionLagMonitor,
        OntologyProjector,
      ],
      exports: [ANALYTICS_CONFIG, ProjectionLagMonitor, AnalyticsDb],
    };
  }
}
