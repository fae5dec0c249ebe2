import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { analyticsHealthCheck } from '@vigie/analytics-contracts';
import {
  Migration20261128160000_analytics_projections,
  Migration20261128180000_analytics_name_vocabulary,
  Migration20261128181000_analytics_gin_pending_limit,
  Migration20261128203000_analytics_tenant_partitions,
  Migration20261129020000_analytics_drop_names_trigram_index,
} from '@vigie/analytics-data-access';
import { ANALYTICS_PROJECTOR_CONSUMER, AnalyticsFeatureModule, ProjectionHealthIndicator } from '@vigie/analytics-feature';
import { AnalyticsConfig, analyticsConfigSchema } from './analytics.config';

export const analyticsService: NatsServiceDefinition<AnalyticsConfig> = {
  service: 'analytics',
  version: VIGIE_VERSION,
  configSchema: analyticsConfigSchema,
  healthContract: analyticsHealthCheck,
  persistence: {
    entities: [],
    migrations: [Migration20261128160000_analytics_projections, Migration20261128180000_analytics_name_vocabulary, Migration20261128181000_analytics_gin_pending_limit, Migration20261128203000_analytics_tenant_partitions, Migration20261129020000_analytics_drop_names_trigram_index],
  },
  consumers: [ANALYTICS_PROJECTOR_CONSUMER],
  healthIndicators: [ProjectionHealthIndicator],
  imports: (config) => [AnalyticsFeatureModule.register(config)],
};
