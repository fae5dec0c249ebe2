import { parseConsoleConfig } from './console-config';

describe('parseConsoleConfig', () => {
  it('accepts the gateway document and trims the Keycloak URL', () => {
    expect(parseConsoleConfig({ keycloakUrl: 'http://127.0.0.1:8080/', clientId: 'vigie-console', defaultRealm: 'alpha' })).toEqual({ keycloakUrl: 'http://127.0.0.1:8080', clientId: 'vigie-console', defaultRealm: 'alpha' });
    expect(parseConsoleConfig({ keycloakUrl: 'https://sso.example', clientId: 'c', defaultRealm: null }).defaultRealm).toBeNull();
  });

  it('names the bad field', () => {
    expect(() => parseConsoleConfig(null)).toThrow('document must be a JSON object');
    expect(() => parseConsoleConfig({ keycloakUrl: 'nope', clientId: 'c' })).toThrow('keycloakUrl must be an absolute URL');
    expect(() => parseConsoleConfig({ keycloakUrl: 'ftp://x', clientId: 'c' })).toThrow('keycloakUrl must be http or https');
    expect(() => parseConsoleConfig({ keycloakUrl: 'http://x', clientId: '' })).toThrow('clientId');
    expect(() => parseConsoleConfig({ keycloakUrl: 'http://x', clientId: 'c', defaultRealm: 'Bad Realm' })).toThrow('defaultRealm');
  });
});
