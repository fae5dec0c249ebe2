import { ConfigException, loadConfig } from '@vigie/shared-config';
import { KeycloakHealthIndicator } from '@vigie/identity-feature';
import { identityConfigSchema } from './identity.config';
import { identityService } from './identity.service-definition';

const env = {
  NATS_URL: 'nats://127.0.0.1:4222',
  HEALTH_PORT: '3101',
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/vigie',
  KEYCLOAK_URL: 'http://127.0.0.1:8080',
  KEYCLOAK_ADMIN_USER: 'admin',
  KEYCLOAK_ADMIN_PASSWORD: 'secret',
};

describe('the identity service definition', () => {
  it('offers reconcile-realms and reports Keycloak in its health', () => {
    expect(Object.keys(identityService.commands ?? {})).toContain('reconcile-realms');
    expect(identityService.healthIndicators).toContain(KeycloakHealthIndicator);
    expect(identityService.healthContract.subject).toBe('identity.v1.health.check');
  });

  it('reads its configuration, with secure defaults', () => {
    const config = loadConfig('identity', identityConfigSchema, env);
    expect(config).toMatchObject({ KEYCLOAK_ADMIN_REALM: 'master', AUTH_AUDIENCE: 'vigie-gateway', AUTH_ALGORITHMS: 'RS256', AUTH_CLOCK_SKEW_SECONDS: 30, REALM_SECRETS_GENERATE: false, DATABASE_SCHEMA: 'identity' });
  });

  it('refuses to start without Keycloak admin credentials, naming the variable', () => {
    const { KEYCLOAK_ADMIN_PASSWORD: _password, ...withoutPassword } = env;
    expect(() => loadConfig('identity', identityConfigSchema, withoutPassword)).toThrow(/KEYCLOAK_ADMIN_PASSWORD/);
    const production = { ...withoutPassword, KEYCLOAK_ADMIN_USER: undefined, KEYCLOAK_ADMIN_CLIENT_ID: 'vigie-identity' };
    expect(() => loadConfig('identity', identityConfigSchema, production)).toThrow(/KEYCLOAK_ADMIN_CLIENT_SECRET/);
    expect(loadConfig('identity', identityConfigSchema, { ...production, KEYCLOAK_ADMIN_CLIENT_SECRET: 's' }).KEYCLOAK_ADMIN_CLIENT_ID).toBe('vigie-identity');
  });

  it('refuses an unsafe clock skew or algorithm list', () => {
    expect(() => loadConfig('identity', identityConfigSchema, { ...env, AUTH_CLOCK_SKEW_SECONDS: '600' })).toThrow(ConfigException);
    expect(() => loadConfig('identity', identityConfigSchema, { ...env, AUTH_ALGORITHMS: 'RS256,HS256' })).toThrow(/AUTH_ALGORITHMS/);
  });
});
