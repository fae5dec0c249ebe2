import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { JwksSource, RealmKeys } from '@vigie/shared-auth';

/**
 * Realm keys pinned in a file (`{ "<realm>": { "issuer", "keys" } }`), falling back to another
 * source (identity over NATS) for realms not in the file. Read once at start.
 */
export class StaticJwksSource implements JwksSource {
  private readonly realms: Map<string, RealmKeys>;

  constructor(
    file: string,
    private readonly fallback: JwksSource,
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`AUTH_STATIC_JWKS_FILE ${file} cannot be read as JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`AUTH_STATIC_JWKS_FILE ${file} must hold an object of realms`);
    this.realms = new Map();
    for (const [realm, value] of Object.entries(parsed as Record<string, { issuer?: unknown; keys?: unknown }>)) {
      if (typeof value?.issuer !== 'string' || !Array.isArray(value.keys)) {
        throw new Error(`AUTH_STATIC_JWKS_FILE ${file}: realm "${realm}" needs "issuer" (string) and "keys" (array of JWK)`);
      }
      this.realms.set(realm, { realm, issuer: value.issuer, jwks: { keys: value.keys } as JSONWebKeySet });
    }
  }

  fetch(realm: string): Promise<RealmKeys> {
    const pinned = this.realms.get(realm);
    return pinned ? Promise.resolve(pinned) : this.fallback.fetch(realm);
  }
}
