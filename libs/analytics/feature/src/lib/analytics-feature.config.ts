import { authConfigSchema } from '@vigie/shared-auth';
import { baseConfigSchema, databaseConfigSchema, z } from '@vigie/shared-config';
import { CLASSIFICATION_LEVELS } from '@vigie/shared-policy';

/** Configuration of the analytics service (keys are environment variable names). */
export const analyticsFeatureConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(authConfigSchema.shape)
  .extend({
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lowercase SQL identifier').default('analytics'),
    /** Connections of the query/projection pool (set-based SQL, outside the ORM). */
    ANALYTICS_DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(8),
    /**
     * Reading data at or above this level needs a stated purpose (`x-purpose`): without one, the
     * reader's clearance is capped just below it for the query (nothing above is returned or counted).
     */
    PURPOSE_REQUIRED_FROM_LEVEL: z.enum(CLASSIFICATION_LEVELS).default('S'),
    /** How often the projection lag is measured (metric and health). */
    PROJECTION_LAG_POLL_MS: z.coerce.number().int().min(200).max(60_000).default(2000),
    /** Events applied per transaction by the projector. */
    PROJECTION_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(256),
    /**
     * How long the projector waits before offering back an event whose subject this build does not
     * know (a newer ontology's), and between its pulls while so held (ADR 0015).
     */
    PROJECTION_HOLD_DELAY_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  });
export type AnalyticsFeatureConfig = z.infer<typeof analyticsFeatureConfigSchema>;
