import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule, HttpJwksSource, HttpServiceTokenSource } from '@vigie/shared-auth';
import { UserAdminController } from './admin/user-admin.controller';
import { UserAdminService } from './admin/user-admin.service';
import { AdminAudit } from './audit/admin-audit';
import { IdentityAuthController } from './auth/identity-auth.controller';
import { IdentityConfig } from './identity.config';
import { KeycloakAdminModule } from './keycloak/keycloak-admin.module';
import { TenantRegistry } from './keycloak/tenant-registry';

/** The identity service: tenant registry, JWKS for the other services, tenant user administration. */
@Module({})
export class IdentityModule {
  static register(config: IdentityConfig): DynamicModule {
    const keycloak = KeycloakAdminModule.register(config);
    return {
      module: IdentityModule,
      imports: [
        keycloak,
        AuthModule.forRoot({
          config,
          imports: [keycloak],
          // identity reaches Keycloak itself; the tenant list is its own registry.
          jwksSource: {
            inject: [TenantRegistry],
            useFactory: (tenants: TenantRegistry) => new HttpJwksSource({ keycloakUrl: config.KEYCLOAK_URL, issuerBaseUrl: config.KEYCLOAK_ISSUER_URL, tenants, timeoutMs: config.REQUEST_TIMEOUT_MS }),
          },
          serviceTokenSource: {
            useFactory: () =>
              config.SERVICE_CLIENT_ID && config.SERVICE_CLIENT_SECRET
                ? new HttpServiceTokenSource(config.KEYCLOAK_URL, { clientId: config.SERVICE_CLIENT_ID, clientSecret: config.SERVICE_CLIENT_SECRET })
                : null,
          },
        }),
      ],
      controllers: [IdentityAuthController, UserAdminController],
      providers: [UserAdminService, AdminAudit],
      // KeycloakAdmin for the service's health indicator (KeycloakHealthIndicator).
      exports: [keycloak],
    };
  }
}
