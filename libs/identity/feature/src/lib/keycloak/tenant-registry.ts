import { Injectable } from '@nestjs/common';
import { TenantDirectory, TenantSummary } from '@vigie/shared-auth';
import { KeycloakAdmin, keycloakError } from './keycloak-admin';
import { TENANT_MARKER_ATTRIBUTE } from '../realm/realm-desired-state';

/**
 * The tenant registry: Keycloak realms that carry the `vigieTenant` attribute (set by the
 * reconciler). Keycloak is the source of truth; the list is cached for `ttlMs` and reloaded
 * (at most every second) when asked about an unknown realm, so a realm reconciled while the
 * platform runs is found at once.
 */
@Injectable()
export class TenantRegistry implements TenantDirectory {
  private cache?: { tenants: TenantSummary[]; at: number };
  private loading?: Promise<TenantSummary[]>;

  constructor(
    private readonly admin: KeycloakAdmin,
    private readonly ttlMs: number,
  ) {}

  async list(): Promise<TenantSummary[]> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.tenants;
    return this.reload();
  }

  async isTenant(realm: string): Promise<boolean> {
    if ((await this.list()).some((t) => t.realm === realm && t.enabled)) return true;
    if (this.cache && Date.now() - this.cache.at < 1000) return false;
    return (await this.reload()).some((t) => t.realm === realm && t.enabled);
  }

  async get(realm: string): Promise<TenantSummary | undefined> {
    return (await this.list()).find((t) => t.realm === realm) ?? (await this.reload()).find((t) => t.realm === realm);
  }

  private reload(): Promise<TenantSummary[]> {
    this.loading ??= (async () => {
      try {
        const kc = await this.admin.client();
        const realms = await kc.realms.find({ briefRepresentation: false } as never);
        const tenants = realms
          .filter((r) => (r.attributes as Record<string, unknown> | undefined)?.[TENANT_MARKER_ATTRIBUTE] === 'true')
          .map((r) => ({ realm: r.realm!, enabled: r.enabled !== false, ...(r.displayName ? { displayName: r.displayName } : {}) }))
          .sort((a, b) => a.realm.localeCompare(b.realm));
        this.cache = { tenants, at: Date.now() };
        return tenants;
      } catch (error) {
        throw keycloakError(error, 'listing the tenant realms');
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
