import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { AuthModule } from '@vigie/shared-auth';
import { AuditModule } from '@vigie/shared-audit-client';
import { ingestionHealthCheck } from '@vigie/ingestion-contracts';
import { INGESTION_ENTITIES, INGESTION_MIGRATIONS } from '@vigie/ingestion-data-access';
import { BATCH_OUTCOME_CONSUMER, INGEST_DEAD_LETTER_CONSUMER, IngestionFeatureModule } from '@vigie/ingestion-feature';
import { IngestionConfig, ingestionConfigSchema } from './ingestion.config';

export const ingestionService: NatsServiceDefinition<IngestionConfig> = {
  service: 'ingestion',
  version: VIGIE_VERSION,
  configSchema: ingestionConfigSchema,
  healthContract: ingestionHealthCheck,
  persistence: { entities: INGESTION_ENTITIES, migrations: INGESTION_MIGRATIONS },
  consumers: [BATCH_OUTCOME_CONSUMER, INGEST_DEAD_LETTER_CONSUMER],
  imports: (config) => [AuthModule.forRoot({ config }), AuditModule.forRoot({ service: 'ingestion' }), IngestionFeatureModule.register(config)],
};
