import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the analytics service: replicas share requests. */
export const ANALYTICS_SERVICE = 'analytics';

export const analyticsHealthCheck = defineHealthContract('analytics');
