import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { identityHealthCheck } from '@vigie/identity-contracts';
import { IdentityConfig, identityConfigSchema } from './identity.config';

export const identityService: NatsServiceDefinition<IdentityConfig> = {
  service: 'identity',
  version: VIGIE_VERSION,
  configSchema: identityConfigSchema,
  healthContract: identityHealthCheck,
  persistence: { entities: [], migrations: [] },
  imports: () => [],
};
