import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { ingestionHealthCheck } from '@vigie/ingestion-contracts';
import { IngestionConfig, ingestionConfigSchema } from './ingestion.config';

export const ingestionService: NatsServiceDefinition<IngestionConfig> = {
  service: 'ingestion',
  version: VIGIE_VERSION,
  configSchema: ingestionConfigSchema,
  healthContract: ingestionHealthCheck,
  persistence: { entities: [], migrations: [] },
  imports: () => [],
};
