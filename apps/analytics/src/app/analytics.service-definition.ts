import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { analyticsHealthCheck } from '@vigie/analytics-contracts';
import { AnalyticsConfig, analyticsConfigSchema } from './analytics.config';

export const analyticsService: NatsServiceDefinition<AnalyticsConfig> = {
  service: 'analytics',
  version: VIGIE_VERSION,
  configSchema: analyticsConfigSchema,
  healthContract: analyticsHealthCheck,
  persistence: { entities: [], migrations: [] },
  imports: () => [],
};
