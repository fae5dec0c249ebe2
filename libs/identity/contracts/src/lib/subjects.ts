import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the identity service: replicas share requests. */
export const IDENTITY_SERVICE = 'identity';

export const identityHealthCheck = defineHealthContract('identity');
