import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the ontology service: replicas share requests. */
export const ONTOLOGY_SERVICE = 'ontology';

export const ontologyHealthCheck = defineHealthContract('ontology');
