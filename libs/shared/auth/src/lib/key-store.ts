import { importJWK, JWK, KeyLike } from 'jose';
import { AuthException, AuthExceptionCode } from './auth.exception';
import { JwksSource } from './jwks-source';

interface RealmEntry {
  issuer: string;
  keys: Map<string, { jwk: JWK; key?: KeyLike | Uint8Array }>;
  fetchedAt: number;
}

export interface JwksKeyStoreOptions {
  /** Accepted algorithms: a key whose `alg` is another one is ignored. */
  algorithms: string[];
  /** How long a realm's key set is reused. */
  ttlMs: number;
  /** Least time between two refetches of one realm caused by an unknown `kid`. */
  refetchMinIntervalMs: number;
}

/**
 * The signing keys of each realm, cached per realm. An unknown `kid` triggers ONE refetch (key
 * rotation), at most every `refetchMinIntervalMs` per realm and shared by concurrent callers, so
 * tokens with invented `kid`s cannot hammer Keycloak. Only signature keys (`use` sig or absent)
 * of an accepted algorithm are kept (Keycloak also publishes RSA-OAEP encryption keys).
 */
export class JwksKeyStore {
  private readonly realms = new Map<string, RealmEntry>();
  private readonly inflight = new Map<string, Promise<RealmEntry>>();

  constructor(
    private readonly source: JwksSource,
    private readonly options: JwksKeyStoreOptions,
  ) {}

  /** The exact issuer of a realm (fetching its keys if not known yet). */
  async issuer(realm: string): Promise<string> {
    return (await this.entry(realm, false)).issuer;
  }

  /** The key for `kid` in `realm`, refetching once when it is unknown. */
  async key(realm: string, kid: string, alg: string): Promise<KeyLike | Uint8Array> {
    let entry = await this.entry(realm, false);
    let found = entry.keys.get(kid);
    if (!found && Date.now() - entry.fetchedAt >= this.options.refetchMinIntervalMs) {
      entry = await this.entry(realm, true);
      found = entry.keys.get(kid);
    }
    if (!found) throw new AuthException(AuthExceptionCode.UnknownKey, `No signing key "${kid}" in realm ${realm}`, { realm, kid });
    if (found.jwk.alg && found.jwk.alg !== alg) {
      throw new AuthException(AuthExceptionCode.AlgorithmNotAllowed, `Key "${kid}" is for ${found.jwk.alg}, token says ${alg}`, { realm, kid, alg });
    }
    found.key ??= await importJWK(found.jwk, alg);
    return found.key;
  }

  /** Forgets every cached realm (tests; operator-triggered refresh). */
  clear(): void {
    this.realms.clear();
  }

  private async entry(realm: string, force: boolean): Promise<RealmEntry> {
    const cached = this.realms.get(realm);
    if (cached && !force && Date.now() - cached.fetchedAt < this.options.ttlMs) return cached;
    let pending = this.inflight.get(realm);
    if (!pending) {
      pending = this.load(realm).finally(() => this.inflight.delete(realm));
      this.inflight.set(realm, pending);
    }
    return pending;
  }

  private async load(realm: string): Promise<RealmEntry> {
    const { issuer, jwks } = await this.source.fetch(realm);
    const keys = new Map<string, { jwk: JWK }>();
    for (const jwk of jwks.keys) {
      if (!jwk.kid || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (jwk.alg !== undefined && !this.options.algorithms.includes(jwk.alg)) continue;
      keys.set(jwk.kid, { jwk });
    }
    const entry: RealmEntry = { issuer, keys, fetchedAt: Date.now() };
    this.realms.set(realm, entry);
    return entry;
  }
}
