import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AnalyticsDb, GraphQueryService, GraphRepository, SearchRepository, TimelineGeoRepository } from '@vigie/analytics-data-access';
import { AuditModule } from '@vigie/shared-audit-client';
import { AuthModule } from '@vigie/shared-auth';
import type { AnalyticsFeatureConfig } from './analytics-feature.config';
import { AnalyticsQueryController } from './analytics-query.controller';
import { OntologyProjector } from './ontology-projector.service';
import { ProjectionLagMonitor } from './projection-lag.monitor';
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
      // Realm keys from identity over NATS; every forwarded token is re-verified here.
      imports: [AuthModule.forRoot({ config }), AuditModule.forRoot({ service: 'analytics' })],
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
        ProjectionLagMonitor,
        OntologyProjector,
      ],
      exports: [ANALYTICS_CONFIG, ProjectionLagMonitor, AnalyticsDb],
    };
  }
}
