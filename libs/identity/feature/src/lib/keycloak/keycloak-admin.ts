import type KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import { decodeJwt } from 'jose';
import { IdentityException, IdentityExceptionCode } from '@vigie/identity-contracts';

export type KcAdmin = KeycloakAdminClient;

/**
 * `@keycloak/keycloak-admin-client` is ESM-only; our apps are CommonJS (webpack) and TypeScript
 * would rewrite `import()` into `require()`. A Function-built `import()` stays a real dynamic
 * import at run time (see docs/adr/0008). Types come from a type-only import, erased at build.
 */
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: typeof KeycloakAdminClient }>;

export interface KeycloakAdminSettings {
  url: string;
  /** Realm the admin authenticates in (master). */
  adminRealm: string;
  /** Local development: the bootstrap admin through `admin-cli`. */
  username?: string;
  password?: string;
  /** Production: a confidential client with realm-management roles (client credentials). */
  clientId?: string;
  clientSecret?: string;
}

/**
 * A logged-in admin client, re-authenticated before its token expires (admin-cli tokens of the
 * master realm live 60 s). Every use goes through {@link KeycloakAdmin.client}.
 */
export class KeycloakAdmin {
  private kc?: KcAdmin;
  private renewAt = 0;
  private authenticating?: Promise<KcAdmin>;

  constructor(readonly settings: KeycloakAdminSettings) {
    if (!(settings.clientId && settings.clientSecret) && !(settings.username && settings.password)) {
      throw new Error('KeycloakAdmin needs KEYCLOAK_ADMIN_CLIENT_ID/SECRET or KEYCLOAK_ADMIN_USER/PASSWORD');
    }
  }

  async client(): Promise<KcAdmin> {
    if (this.kc && Date.now() < this.renewAt) return this.kc;
    this.authenticating ??= this.authenticate().finally(() => (this.authenticating = undefined));
    return this.authenticating;
  }

  private async authenticate(): Promise<KcAdmin> {
    const { default: Client } = await importEsm('@keycloak/keycloak-admin-client');
    const kc = this.kc ?? new Client({ baseUrl: this.settings.url, realmName: this.settings.adminRealm });
    const s = this.settings;
    try {
      if (s.clientId && s.clientSecret) await kc.auth({ grantType: 'client_credentials', clientId: s.clientId, clientSecret: s.clientSecret });
      else await kc.auth({ grantType: 'password', clientId: 'admin-cli', username: s.username!, password: s.password! });
    } catch (error) {
      throw keycloakError(error, `authenticating to Keycloak at ${s.url}`);
    }
    const exp = kc.accessToken ? decodeJwt(kc.accessToken).exp : undefined;
    const lifetimeMs = exp ? exp * 1000 - Date.now() : 60_000;
    this.renewAt = Date.now() + Math.max(1000, lifetimeMs - 15_000);
    this.kc = kc;
    return kc;
  }
}

interface NetworkErrorLike {
  response?: { status?: number };
  responseData?: unknown;
  message?: string;
}

/** HTTP status of an admin-client error (undefined when Keycloak was not reached). */
export function keycloakStatus(error: unknown): number | undefined {
  return (error as NetworkErrorLike)?.response?.status;
}

/** Turns an admin-client failure into a typed error (503 unreachable, 400 refused). */
export function keycloakError(error: unknown, doing: string): IdentityException {
  if (error instanceof IdentityException) return error;
  const status = keycloakStatus(error);
  const data = (error as NetworkErrorLike)?.responseData;
  const detail = typeof data === 'object' && data !== null ? JSON.stringify(data).slice(0, 500) : String((error as Error)?.message ?? error);
  if (status === undefined || status >= 500) {
    return new IdentityException(IdentityExceptionCode.KeycloakUnavailable, `Keycloak unavailable while ${doing}: ${detail}`);
  }
  return new IdentityException(IdentityExceptionCode.KeycloakRejected, `Keycloak refused ${doing} (HTTP ${status}): ${detail}`, { status });
}
