import { Injectable } from '@nestjs/common';
import { AuditAction } from '@vigie/audit-contracts';
import {
  identityClearanceSet,
  identityGroupsSet,
  IdentityException,
  IdentityExceptionCode,
  identityRolesSet,
  identityTenantGet,
  identityUserCreate,
  identityUserList,
  UserView,
  VIGIE_REALM_ROLES,
} from '@vigie/identity-contracts';
import { RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { Actor, hasRole } from '@vigie/shared-auth';
import { VigieRole } from '@vigie/shared-policy';
import { AdminAudit } from '../audit/admin-audit';
import { KcAdmin, KeycloakAdmin, keycloakError, keycloakStatus } from '../keycloak/keycloak-admin';
import { TenantRegistry } from '../keycloak/tenant-registry';

type UserRep = Awaited<ReturnType<KcAdmin['users']['findOne']>> & object;
const CLEARANCES = ['NP', 'DR', 'S', 'TS'] as const;

/**
 * User administration of one tenant, for its `vigie-admin`s. The tenant acted upon must be the
 * actor's own (an admin of one realm never acts on another); every change — and every refused
 * attempt — is published to the AUDIT stream. Users are disabled, never deleted.
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly admin: KeycloakAdmin,
    private readonly tenants: TenantRegistry,
    private readonly audit: AdminAudit,
  ) {}

  async list(actor: Actor, req: RequestOf<typeof identityUserList>): Promise<ResponseOf<typeof identityUserList>> {
    await this.authorize(actor, req.tenant, 'user.list');
    const kc = await this.kc();
    const users = await this.call('listing users', () =>
      kc.users.find({ realm: req.tenant, first: req.first, max: req.max, briefRepresentation: false, ...(req.search ? { search: req.search } : {}) }),
    );
    const views = await Promise.all(users.filter((u) => !u.username?.startsWith('service-account-')).map((u) => this.view(req.tenant, u as UserRep)));
    return { users: views, first: req.first, max: req.max };
  }

  async get(actor: Actor, tenant: string, userId: string): Promise<UserView> {
    await this.authorize(actor, tenant, 'user.get');
    return this.view(tenant, await this.findUser(tenant, userId));
  }

  async create(actor: Actor, req: RequestOf<typeof identityUserCreate>): Promise<UserView> {
    await this.authorize(actor, req.tenant, AuditAction.UserCreate);
    await this.checkCompartments(req.tenant, req.compartments);
    const groups = await this.resolveGroups(req.tenant, req.groups);
    const kc = await this.kc();
    try {
      await kc.users.create({
        realm: req.tenant,
        username: req.username,
        email: req.email,
        firstName: req.firstName,
        lastName: req.lastName,
        enabled: req.enabled,
        emailVerified: true,
        attributes: { clearance: [req.clearance], compartments: req.compartments },
        groups: groups.map((g) => g.path ?? `/${g.name}`),
        ...(req.temporaryPassword ? { credentials: [{ type: 'password', value: req.temporaryPassword, temporary: true }] } : { requiredActions: ['UPDATE_PASSWORD'] }),
      });
    } catch (error) {
      await this.failed(actor, req.tenant, AuditAction.UserCreate, [{ type: 'user', id: req.username }], error);
      if (keycloakStatus(error) === 409) throw new IdentityException(IdentityExceptionCode.UsernameTaken, `A user named "${req.username}" (or with e-mail ${req.email}) already exists in ${req.tenant}`, { fields: [{ path: 'username', message: 'already taken' }] });
      throw keycloakError(error, `creating user ${req.username}`);
    }
    const created = (await kc.users.find({ realm: req.tenant, username: req.username, exact: true, briefRepresentation: false }))[0] as UserRep;
    if (req.roles.length) await this.changeRoles(req.tenant, created.id!, req.roles, []);
    const view = await this.view(req.tenant, created);
    await this.audit.record({
      actor,
      tenant: req.tenant,
      action: AuditAction.UserCreate,
      resources: [{ type: 'user', id: created.id! }],
      outcome: 'success',
      details: { username: view.username, clearance: view.clearance, compartments: view.compartments, roles: view.roles, groups: view.groups, enabled: view.enabled },
    });
    return view;
  }

  async setEnabled(actor: Actor, tenant: string, userId: string, enabled: boolean): Promise<UserView> {
    await this.authorize(actor, tenant, AuditAction.UserUpdate, userId);
    const user = await this.findUser(tenant, userId);
    if (user.enabled !== enabled) await this.update(tenant, user, { enabled }, actor, AuditAction.UserUpdate);
    const view = await this.view(tenant, await this.findUser(tenant, userId));
    await this.audit.record({
      actor,
      tenant,
      action: AuditAction.UserUpdate,
      resources: [{ type: 'user', id: userId }],
      outcome: 'success',
      details: { username: view.username, change: enabled ? 'enabled' : 'disabled', before: { enabled: user.enabled !== false }, after: { enabled } },
    });
    return view;
  }

  async setClearance(actor: Actor, req: RequestOf<typeof identityClearanceSet>): Promise<UserView> {
    await this.authorize(actor, req.tenant, AuditAction.ClearanceChange, req.userId);
    if (req.compartments) await this.checkCompartments(req.tenant, req.compartments);
    const user = await this.findUser(req.tenant, req.userId);
    const before = attributesOf(user);
    const after = { clearance: req.clearance, compartments: req.compartments ?? before.compartments };
    await this.update(req.tenant, user, { attributes: { ...(user.attributes ?? {}), clearance: [after.clearance], compartments: after.compartments } }, actor, AuditAction.ClearanceChange);
    const view = await this.view(req.tenant, await this.findUser(req.tenant, req.userId));
    await this.audit.record({
      actor,
      tenant: req.tenant,
      action: AuditAction.ClearanceChange,
      resources: [{ type: 'user', id: req.userId }],
      outcome: 'success',
      details: { username: view.username, before, after },
    });
    return view;
  }

  async setRoles(actor: Actor, req: RequestOf<typeof identityRolesSet>): Promise<UserView> {
    await this.authorize(actor, req.tenant, AuditAction.RoleGrant, req.userId);
    const user = await this.findUser(req.tenant, req.userId);
    const current = (await this.directRoles(req.tenant, req.userId)).filter((r) => (VIGIE_REALM_ROLES as readonly string[]).includes(r));
    const added = req.roles.filter((r) => !current.includes(r));
    const removed = current.filter((r) => !(req.roles as string[]).includes(r));
    await this.changeRoles(req.tenant, req.userId, added, removed);
    const view = await this.view(req.tenant, user);
    for (const [action, roles] of [[AuditAction.RoleGrant, added], [AuditAction.RoleRevoke, removed]] as const) {
      if (!roles.length) continue;
      await this.audit.record({ actor, tenant: req.tenant, action, resources: [{ type: 'user', id: req.userId }], outcome: 'success', details: { username: view.username, roles: [...roles] } });
    }
    return view;
  }

  async setGroups(actor: Actor, req: RequestOf<typeof identityGroupsSet>): Promise<UserView> {
    await this.authorize(actor, req.tenant, AuditAction.UserUpdate, req.userId);
    const user = await this.findUser(req.tenant, req.userId);
    const wanted = await this.resolveGroups(req.tenant, req.groups);
    const kc = await this.kc();
    const current = await this.call('listing groups of a user', () => kc.users.listGroups({ realm: req.tenant, id: req.userId }));
    const add = wanted.filter((g) => !current.some((c) => c.id === g.id));
    const remove = current.filter((c) => !wanted.some((g) => g.id === c.id));
    for (const g of add) await this.call('adding a user to a group', () => kc.users.addToGroup({ realm: req.tenant, id: req.userId, groupId: g.id! }));
    for (const g of remove) await this.call('removing a user from a group', () => kc.users.delFromGroup({ realm: req.tenant, id: req.userId, groupId: g.id! }));
    const view = await this.view(req.tenant, user);
    if (add.length || remove.length) {
      await this.audit.record({
        actor,
        tenant: req.tenant,
        action: AuditAction.UserUpdate,
        resources: [{ type: 'user', id: req.userId }],
        outcome: 'success',
        details: { username: view.username, change: 'groups', added: add.map((g) => g.name!), removed: remove.map((g) => g.name!) },
      });
    }
    return view;
  }

  async tenant(actor: Actor, tenant: string): Promise<ResponseOf<typeof identityTenantGet>> {
    await this.authorize(actor, tenant, 'tenant.get');
    const summary = await this.tenants.get(tenant);
    if (!summary) throw new IdentityException(IdentityExceptionCode.TenantNotFound, `Tenant ${tenant} does not exist`);
    const kc = await this.kc();
    const [roles, groups, compartments] = await Promise.all([
      this.call('listing roles', () => kc.roles.find({ realm: tenant })),
      this.call('listing groups', () => kc.groups.find({ realm: tenant, max: 1000 })),
      this.allowedCompartments(tenant),
    ]);
    return {
      ...summary,
      roles: roles.map((r) => r.name!).filter((r) => (VIGIE_REALM_ROLES as readonly string[]).includes(r)).sort(),
      groups: groups.map((g) => g.name!).sort(),
      compartments: compartments ?? [],
    };
  }

  /**
   * Refuses (and audits) anything but an admin of the very tenant acted upon; and an admin's
   * changes to their own account (clearance, roles, groups, enabled): separation of duties.
   */
  private async authorize(actor: Actor, tenant: string, action: string, targetUserId?: string): Promise<void> {
    const denied = async (code: IdentityExceptionCode, message: string) => {
      // A denial is recorded in the actor's own tenant chain: the other tenant is only named.
      await this.audit.recordQuietly({ actor, tenant: actor.tenant, action: 'authz.denied', resources: [{ type: 'tenant', id: tenant }], outcome: 'denied', details: { attempted: action, reason: code } });
      throw new IdentityException(code, message);
    };
    if (actor.tenant !== tenant) await denied(IdentityExceptionCode.TenantMismatch, `An administrator of ${actor.tenant} cannot administer ${tenant}`);
    if (!hasRole(actor, VigieRole.Admin)) await denied(IdentityExceptionCode.AdminRoleRequired, `Administering ${tenant} needs the role ${VigieRole.Admin}`);
    if (targetUserId !== undefined && targetUserId === actor.subject) {
      await denied(IdentityExceptionCode.SelfAdministration, 'Administrators cannot change their own clearance, roles, groups or status; another administrator must');
    }
  }

  private async failed(actor: Actor, tenant: string, action: string, resources: { type: string; id: string }[], error: unknown): Promise<void> {
    await this.audit.recordQuietly({ actor, tenant, action, resources, outcome: 'failure', details: { error: (error as Error).message?.slice(0, 500) ?? 'error' } });
  }

  private async update(tenant: string, user: UserRep, patch: Partial<UserRep>, actor: Actor, action: string): Promise<void> {
    const kc = await this.kc();
    try {
      await kc.users.update({ realm: tenant, id: user.id! }, { ...user, ...patch });
    } catch (error) {
      await this.failed(actor, tenant, action, [{ type: 'user', id: user.id! }], error);
      throw keycloakError(error, `updating user ${user.username}`);
    }
  }

  private async findUser(tenant: string, userId: string): Promise<UserRep> {
    const kc = await this.kc();
    let user: UserRep | undefined;
    try {
      user = (await kc.users.findOne({ realm: tenant, id: userId, userProfileMetadata: false } as never)) as UserRep | undefined;
    } catch (error) {
      if (keycloakStatus(error) !== 404) throw keycloakError(error, `reading user ${userId}`);
    }
    if (!user || user.username?.startsWith('service-account-')) throw new IdentityException(IdentityExceptionCode.UserNotFound, `No user ${userId} in ${tenant}`);
    return user;
  }

  private async view(tenant: string, user: UserRep): Promise<UserView> {
    const kc = await this.kc();
    const [roles, groups] = await Promise.all([this.directRoles(tenant, user.id!), this.call('listing groups of a user', () => kc.users.listGroups({ realm: tenant, id: user.id! }))]);
    const { clearance, compartments } = attributesOf(user);
    return {
      id: user.id!,
      username: user.username!,
      ...(user.email ? { email: user.email } : {}),
      ...(user.firstName ? { firstName: user.firstName } : {}),
      ...(user.lastName ? { lastName: user.lastName } : {}),
      enabled: user.enabled !== false,
      clearance,
      compartments,
      roles: roles.filter((r) => (VIGIE_REALM_ROLES as readonly string[]).includes(r)).sort(),
      groups: groups.map((g) => g.name!).sort(),
      ...(user.createdTimestamp ? { createdAt: new Date(user.createdTimestamp).toISOString() } : {}),
    };
  }

  private async directRoles(tenant: string, userId: string): Promise<string[]> {
    const kc = await this.kc();
    return (await this.call('listing roles of a user', () => kc.users.listRealmRoleMappings({ realm: tenant, id: userId }))).map((r) => r.name!);
  }

  private async changeRoles(tenant: string, userId: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    if (!add.length && !remove.length) return;
    const kc = await this.kc();
    const all = await this.call('listing roles', () => kc.roles.find({ realm: tenant }));
    const pick = (names: readonly string[]) => names.map((n) => all.find((r) => r.name === n)).filter((r) => r !== undefined).map((r) => ({ id: r.id!, name: r.name! }));
    if (add.length) await this.call('granting roles', () => kc.users.addRealmRoleMappings({ realm: tenant, id: userId, roles: pick(add) }));
    if (remove.length) await this.call('revoking roles', () => kc.users.delRealmRoleMappings({ realm: tenant, id: userId, roles: pick(remove) }));
  }

  private async resolveGroups(tenant: string, names: readonly string[]): Promise<{ id?: string; name?: string; path?: string }[]> {
    if (!names.length) return [];
    const kc = await this.kc();
    const groups = await this.call('listing groups', () => kc.groups.find({ realm: tenant, max: 1000 }));
    const unknown = names.map((n, i) => ({ n, i })).filter(({ n }) => !groups.some((g) => g.name === n));
    if (unknown.length) {
      throw new IdentityException(IdentityExceptionCode.UnknownGroup, `Unknown group(s) in ${tenant}: ${unknown.map((u) => u.n).join(', ')}`, {
        fields: unknown.map(({ n, i }) => ({ path: `groups.${i}`, message: `no group "${n}" in ${tenant}` })),
      });
    }
    return names.map((n) => groups.find((g) => g.name === n)!);
  }

  private async allowedCompartments(tenant: string): Promise<string[] | undefined> {
    const kc = await this.kc();
    const profile = (await this.call('reading the user profile', () => kc.users.getProfile({ realm: tenant }))) as { attributes?: { name: string; validations?: { options?: { options?: string[] } } }[] };
    return profile.attributes?.find((a) => a.name === 'compartments')?.validations?.options?.options;
  }

  private async checkCompartments(tenant: string, compartments: readonly string[]): Promise<void> {
    if (!compartments.length) return;
    const allowed = (await this.allowedCompartments(tenant)) ?? [];
    const unknown = compartments.map((c, i) => ({ c, i })).filter(({ c }) => !allowed.includes(c));
    if (unknown.length) {
      throw new IdentityException(IdentityExceptionCode.UnknownCompartment, `Unknown compartment(s) in ${tenant}: ${unknown.map((u) => u.c).join(', ')}`, {
        fields: unknown.map(({ c, i }) => ({ path: `compartments.${i}`, message: `no compartment "${c}" in ${tenant}` })),
      });
    }
  }

  private kc(): Promise<KcAdmin> {
    return this.admin.client();
  }

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw keycloakError(error, doing);
    }
  }
}

function attributesOf(user: UserRep): { clearance: UserView['clearance']; compartments: string[] } {
  const attrs = (user.attributes ?? {}) as Record<string, string[] | string | undefined>;
  const raw = Array.isArray(attrs['clearance']) ? attrs['clearance'][0] : attrs['clearance'];
  const clearance = (CLEARANCES as readonly string[]).includes(raw ?? '') ? (raw as UserView['clearance']) : 'NP';
  const c = attrs['compartments'];
  return { clearance, compartments: Array.isArray(c) ? [...c].sort() : c ? [c] : [] };
}
