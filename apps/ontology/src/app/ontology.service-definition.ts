import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { AuthModule } from '@vigie/shared-auth';
import { ontologyHealthCheck } from '@vigie/ontology-contracts';
import { ONTOLOGY_ENTITIES, ONTOLOGY_MIGRATIONS } from '@vigie/ontology-data-access';
import { ONTOLOGY_WRITER_CONSUMER, OntologyFeatureModule } from '@vigie/ontology-feature';
import { loadDefaultOntologyCommand } from './load-default-ontology.command';
import { OntologyConfig, ontologyConfigSchema } from './ontology.config';

export const ontologyService: NatsServiceDefinition<OntologyConfig> = {
  service: 'ontology',
  version: VIGIE_VERSION,
  configSchema: ontologyConfigSchema,
  healthContract: ontologyHealthCheck,
  persistence: { entities: ONTOLOGY_ENTITIES, migrations: ONTOLOGY_MIGRATIONS },
  consumers: [ONTOLOGY_WRITER_CONSUMER],
  imports: (config) => [AuthModule.forRoot({ config }), OntologyFeatureModule.register(config)],
  commands: { 'load-default-ontology': loadDefaultOntologyCommand },
};
