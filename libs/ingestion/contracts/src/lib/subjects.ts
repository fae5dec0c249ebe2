import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the ingestion service: replicas share requests. */
export const INGESTION_SERVICE = 'ingestion';

export const ingestionHealthCheck = defineHealthContract('ingestion');
