import { defineHealthContract } from '@vigie/shared-contracts';

/** Queue group of the identity service: replicas share requests. */
export const IDENTITY_SERVICE = 'identity';

export const identityHealthCheck = defineHealthContract('identity');

/**
 * Also served by identity, but defined in `@vigie/shared-auth` because every service's token
 * verifier uses them: `identity.v1.jwks.get`, `identity.v1.tenant.list`,
 * `identity.v1.service-token.issue`.
 */
export const IDENTITY_AUTH_SUBJECTS = ['identity.v1.jwks.get', 'identity.v1.tenant.list', 'identity.v1.service-token.issue'] as const;
