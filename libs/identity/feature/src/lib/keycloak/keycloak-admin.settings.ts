import { IdentityConfig } from '../identity.config';
import { KeycloakAdminSettings } from './keycloak-admin';

export function keycloakAdminSettings(config: IdentityConfig): KeycloakAdminSettings {
  return {
    url: config.KEYCLOAK_URL,
    adminRealm: config.KEYCLOAK_ADMIN_REALM,
    username: config.KEYCLOAK_ADMIN_USER,
    password: config.KEYCLOAK_ADMIN_PASSWORD,
    clientId: config.KEYCLOAK_ADMIN_CLIENT_ID,
    clientSecret: config.KEYCLOAK_ADMIN_CLIENT_SECRET,
  };
}
