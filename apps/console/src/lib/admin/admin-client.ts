import { ApiClient } from '../api-client';

/** Shapes of `/api/v1/admin/*` (from `/api/docs/openapi.json` and identity's contracts). */
export const CLEARANCES = ['NP', 'DR', 'S', 'TS'] as const;
export type Clearance = (typeof CLEARANCES)[number];
export const VIGIE_ROLES = ['vigie-admin', 'vigie-analyst', 'vigie-supervisor', 'vigie-auditor', 'vigie-ingest'] as const;
export type VigieRole = (typeof VIGIE_ROLES)[number];

export interface UserView {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled: boolean;
  clearance: Clearance;
  compartments: string[];
  roles: string[];
  groups: string[];
  createdAt?: string;
}

export interface TenantView {
  realm: string;
  displayName?: string;
  enabled: boolean;
  roles: string[];
  groups: string[];
  compartments: string[];
}

export interface CreateUserBody {
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  clearance: Clearance;
  compartments: string[];
  roles: VigieRole[];
  groups: string[];
  enabled: boolean;
  temporaryPassword?: string;
}

/** The identity administration routes of the gateway, for one tenant (the administrator's own). */
export class AdminClient {
  private readonly base: string;

  constructor(
    private readonly api: ApiClient,
    tenant: string,
  ) {
    this.base = `/api/v1/admin/tenants/${encodeURIComponent(tenant)}`;
  }

  tenant(signal?: AbortSignal): Promise<TenantView> {
    return this.api.json<TenantView>('GET', this.base, undefined, signal);
  }

  users(search: string, first = 0, max = 50, signal?: AbortSignal): Promise<{ users: UserView[]; first: number; max: number }> {
    const params = new URLSearchParams({ first: String(first), max: String(max) });
    if (search.trim()) params.set('search', search.trim());
    return this.api.json('GET', `${this.base}/users?${params}`, undefined, signal);
  }

  create(body: CreateUserBody): Promise<UserView> {
    return this.api.json<UserView>('POST', `${this.base}/users`, body);
  }

  setEnabled(userId: string, enabled: boolean): Promise<UserView> {
    return this.api.json<UserView>('POST', `${this.user(userId)}/${enabled ? 'enable' : 'disable'}`);
  }

  setClearance(userId: string, clearance: Clearance, compartments: string[]): Promise<UserView> {
    return this.api.json<UserView>('PUT', `${this.user(userId)}/clearance`, { clearance, compartments });
  }

  setRoles(userId: string, roles: VigieRole[]): Promise<UserView> {
    return this.api.json<UserView>('PUT', `${this.user(userId)}/roles`, { roles });
  }

  setGroups(userId: string, groups: string[]): Promise<UserView> {
    return this.api.json<UserView>('PUT', `${this.user(userId)}/groups`, { groups });
  }

  private user(userId: string): string {
    return `${this.base}/users/${encodeURIComponent(userId)}`;
  }
}
