import { ConsoleException, ConsoleExceptionCode } from './console.exception';

/** `/console-config.json`, served by the gateway. */
export interface ConsoleConfig {
  keycloakUrl: string;
  clientId: string;
  defaultRealm: string | null;
}

export const REALM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Validates the config document, naming the bad field. */
export function parseConsoleConfig(input: unknown): ConsoleConfig {
  const fail = (field: string, why: string): never => {
    throw new ConsoleException(ConsoleExceptionCode.CONFIG_INVALID, `console-config.json: ${field} ${why}`);
  };
  if (typeof input !== 'object' || input === null) return fail('document', 'must be a JSON object');
  const doc = input as Record<string, unknown>;
  if (typeof doc['keycloakUrl'] !== 'string') return fail('keycloakUrl', 'must be a string');
  let url: URL;
  try {
    url = new URL(doc['keycloakUrl']);
  } catch {
    return fail('keycloakUrl', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('keycloakUrl', 'must be http or https');
  if (typeof doc['clientId'] !== 'string' || doc['clientId'] === '') fail('clientId', 'must be a non-empty string');
  const realm = doc['defaultRealm'] ?? null;
  if (realm !== null && (typeof realm !== 'string' || !REALM_PATTERN.test(realm))) fail('defaultRealm', 'must be a realm name or null');
  return { keycloakUrl: doc['keycloakUrl'].replace(/\/+$/, ''), clientId: doc['clientId'] as string, defaultRealm: realm as string | null };
}
