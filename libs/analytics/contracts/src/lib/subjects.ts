import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the analytics service: replicas share requests. */
export const ANALYTICS_SERVICE = 'analytics';

export const analyticsHealthCheck = defineHealthContract('analytics');

/** The durable consumer of the ONTOLOGY stream that builds the projections. */
export const ANALYTICS_PROJECTOR_DURABLE = 'analytics-projector';
/** Where poison ONTOLOGY events go. */
export const ANALYTICS_DEADLETTER_ONTOLOGY = 'analytics.v1.deadletter.ontology';
