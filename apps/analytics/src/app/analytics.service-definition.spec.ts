import { analyticsService } from './analytics.service-definition';

describe('analytics service definition', () => {
  it('declares the ONTOLOGY projector consumer, its migrations and the projection health', () => {
    expect(analyticsService.consumers).toEqual([expect.objectContaining({ stream: 'ONTOLOGY', durable: 'analytics-projector', redeliverForever: true })]);
    expect(analyticsService.persistence?.migrations.map((m) => m.name)).toEqual([
      'Migration20261128160000_analytics_projections',
      'Migration20261128180000_analytics_name_vocabulary',
      'Migration20261128181000_analytics_gin_pending_limit',
      'Migration20261128203000_analytics_tenant_partitions',
      'Migration20261129020000_analytics_drop_names_trigram_index',
    ]);
    expect(analyticsService.healthIndicators?.map((h) => h.name)).toEqual(['ProjectionHealthIndicator']);
  });

  it('refuses a configuration without a database, naming the variable', () => {
    const parsed = analyticsService.configSchema.safeParse({ HEALTH_PORT: '3104' });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('DATABASE_URL');
  });
});
