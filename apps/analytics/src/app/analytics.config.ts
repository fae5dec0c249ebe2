import { analyticsFeatureConfigSchema, AnalyticsFeatureConfig } from '@vigie/analytics-feature';

export const analyticsConfigSchema = analyticsFeatureConfigSchema;
export type AnalyticsConfig = AnalyticsFeatureConfig;
