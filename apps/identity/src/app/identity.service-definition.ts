import { VIGIE_VERSION } from '@vigie/shared-config';
import { NatsServiceDefinition } from '@vigie/shared-service';
import { identityHealthCheck } from '@vigie/identity-contracts';
import { IdentityModule, KeycloakHealthIndicator, reconcileRealmsCommand } from '@vigie/identity-feature';
import { IdentityConfig, identityConfigSchema } from './identity.config';

export const identityService: NatsServiceDefinition<IdentityConfig> = {
  service: 'identity',
  version: VIGIE_VERSION,
  configSchema: identityConfigSchema,
  healthContract: identityHealthCheck,
  persistence: { entities: [], migrations: [] },
  imports: (config) => [IdentityModule.register(config)],
  healthIndicators: [KeycloakHealthIndicator],
  commands: {
    /** Reconciles the realm files of REALMS_DIR into Keycloak (idempotent; reports what changed). */
    'reconcile-realms': async (config, logger) => {
      await reconcileRealmsCommand(config, logger);
    },
  },
};
