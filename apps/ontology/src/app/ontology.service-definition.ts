import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { ontologyHealthCheck } from '@vigie/ontology-contracts';
import { ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS } from '@vigie/ontology-data-access';
import { OntologyConfig, ontologyConfigSchema } from './ontology.config';

export const ontologyService: NatsServiceDefinition<OntologyConfig> = {
  service: 'ontology',
  version: VIGIE_VERSION,
  configSchema: ontologyConfigSchema,
  healthContract: ontologyHealthCheck,
  persistence: { entities: ONTOLOGY_ENTITIES, migrations: ONTOLOGY_MIGRATIONS },
  imports: () => [],
};
