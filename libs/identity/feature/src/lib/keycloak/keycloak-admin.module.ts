import { DynamicModule, Module } from '@nestjs/common';
import { IDENTITY_CONFIG, IdentityConfig } from '../identity.config';
import { KeycloakAdmin } from './keycloak-admin';
import { keycloakAdminSettings } from './keycloak-admin.settings';
import { TenantRegistry } from './tenant-registry';

/** The logged-in Keycloak admin client and the tenant registry built on it. */
@Module({})
export class KeycloakAdminModule {
  static register(config: IdentityConfig): DynamicModule {
    return {
      module: KeycloakAdminModule,
      providers: [
        { provide: IDENTITY_CONFIG, useValue: config },
        { provide: KeycloakAdmin, useFactory: () => new KeycloakAdmin(keycloakAdminSettings(config)) },
        { provide: TenantRegistry, inject: [KeycloakAdmin], useFactory: (admin: KeycloakAdmin) => new TenantRegistry(admin, config.TENANT_CACHE_TTL_MS) },
      ],
      exports: [IDENTITY_CONFIG, KeycloakAdmin, TenantRegistry],
    };
  }
}
