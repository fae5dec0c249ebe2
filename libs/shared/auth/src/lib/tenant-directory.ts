import { identityTenantList, TenantSummary } from './identity-auth.contracts';

/** Which realms are tenants of the platform. */
export interface TenantDirectory {
  isTenant(realm: string): Promise<boolean>;
}

/** A fixed list (tests, or a deployment that pins its tenants). */
export class StaticTenantDirectory implements TenantDirectory {
  private readonly realms: Set<string>;
  constructor(realms: Iterable<string>) {
    this.realms = new Set(realms);
  }
  async isTenant(realm: string): Promise<boolean> {
    return this.realms.has(realm);
  }
}

export interface TenantListRequester {
  request(contract: typeof identityTenantList, payload: Record<string, never>, options?: { timeoutMs?: number }): Promise<{ tenants: TenantSummary[] }>;
}

/**
 * Any source of the tenant list, cached: reloaded after `ttlMs`, and at most every
 * `missRefreshMs` when asked about a realm it does not know (a realm added while running is
 * found; a flood of unknown realms does not become a flood of lookups).
 */
export class CachedTenantDirectory implements TenantDirectory {
  private tenants?: Set<string>;
  private loadedAt = 0;
  private loading?: Promise<Set<string>>;

  constructor(
    private readonly load: () => Promise<TenantSummary[]>,
    private readonly ttlMs = 30_000,
    private readonly missRefreshMs = 1000,
  ) {}

  async isTenant(realm: string): Promise<boolean> {
    let tenants = this.tenants && Date.now() - this.loadedAt <= this.ttlMs ? this.tenants : await this.reload();
    if (tenants.has(realm)) return true;
    if (Date.now() - this.loadedAt >= this.missRefreshMs) tenants = await this.reload();
    return tenants.has(realm);
  }

  private async reload(): Promise<Set<string>> {
    this.loading ??= this.load()
      .then((list) => new Set(list.filter((t) => t.enabled).map((t) => t.realm)))
      .finally(() => (this.loading = undefined));
    const loaded = await this.loading.catch((error: unknown) => {
      if (this.tenants) return this.tenants; // keep serving the last known list while the source is down
      throw error;
    });
    this.tenants = loaded;
    this.loadedAt = Date.now();
    return loaded;
  }
}

/** The tenant list from identity over NATS (`identity.v1.tenant.list`), cached. */
export function natsTenantDirectory(client: TenantListRequester, ttlMs = 30_000, missRefreshMs = 1000): CachedTenantDirectory {
  return new CachedTenantDirectory(async () => (await client.request(identityTenantList, {})).tenants, ttlMs, missRefreshMs);
}
