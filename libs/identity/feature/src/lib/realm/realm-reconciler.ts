import { VIGIE_REALM_ROLES } from '@vigie/identity-contracts';
import { KcAdmin, KeycloakAdmin, keycloakError, keycloakStatus } from '../keycloak/keycloak-admin';
import { RealmDefinition, SeedUser, ServiceClientDefinition } from './realm-definition.schema';
import {
  desiredClients,
  desiredMappers,
  desiredProfileAttributes,
  desiredRealmSettings,
  driftedFields,
  ROLE_DESCRIPTIONS,
  sameValue,
  TENANT_MARKER_ATTRIBUTE,
  UserProfileAttribute,
  VIGIE_CLIENT_SCOPE,
} from './realm-desired-state';
import { RealmSecrets } from './realm-secrets';

/** One thing the reconciler did. An empty list means the realm already matched its definition. */
export interface RealmChange {
  realm: string;
  resource: 'realm' | 'user-profile' | 'role' | 'client-scope' | 'mapper' | 'client' | 'client-secret' | 'service-account' | 'group' | 'user' | 'secret';
  name: string;
  action: 'created' | 'updated' | 'removed' | 'generated';
  fields?: string[];
}

export interface RealmReport {
  realm: string;
  changes: RealmChange[];
}

type Rep = Record<string, unknown>;

/**
 * Reconciles realm definitions into Keycloak through the admin API: creates what is missing and
 * corrects drift of what Vigie manages (realm security settings, roles, the `vigie` client scope
 * and its mappers, clients, service accounts, groups, the user profile). Users are seeded when
 * missing and otherwise left alone: the reconciler never changes or deletes a user. Running it
 * twice changes nothing the second time.
 */
export class RealmReconciler {
  constructor(
    private readonly admin: KeycloakAdmin,
    private readonly secrets: RealmSecrets,
  ) {}

  async reconcile(def: RealmDefinition): Promise<RealmReport> {
    const changes: RealmChange[] = [];
    const log = (c: Omit<RealmChange, 'realm'>) => changes.push({ realm: def.realm, ...c });
    const step = async (doing: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        throw keycloakError(error, `${doing} of realm ${def.realm}`);
      }
    };
    await step('reconciling the realm settings', () => this.realm(def, log));
    await step('reconciling the user profile', () => this.userProfile(def, log));
    await step('reconciling the roles', () => this.roles(def, log));
    await step('reconciling the vigie client scope', () => this.clientScope(def, log));
    await step('reconciling the clients', () => this.clients(def, log));
    await step('reconciling the groups', () => this.groups(def, log));
    await step('seeding the users', () => this.users(def, log));
    return { realm: def.realm, changes };
  }

  private kc(): Promise<KcAdmin> {
    return this.admin.client();
  }

  private async realm(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const desired = desiredRealmSettings(def);
    const existing = (await kc.realms.findOne({ realm: def.realm })) as Rep | undefined;
    if (!existing) {
      await kc.realms.create({ realm: def.realm, ...desired, attributes: { [TENANT_MARKER_ATTRIBUTE]: 'true' } });
      log({ resource: 'realm', name: def.realm, action: 'created' });
      return;
    }
    const fields = driftedFields(desired, existing);
    const attributes = (existing['attributes'] ?? {}) as Record<string, string>;
    const markerMissing = attributes[TENANT_MARKER_ATTRIBUTE] !== 'true';
    if (fields.length || markerMissing) {
      const patch: Rep = Object.fromEntries(fields.map((f) => [f, desired[f]]));
      if (markerMissing) patch['attributes'] = { ...attributes, [TENANT_MARKER_ATTRIBUTE]: 'true' };
      await kc.realms.update({ realm: def.realm }, patch);
      log({ resource: 'realm', name: def.realm, action: 'updated', fields: markerMissing ? [...fields, `attributes.${TENANT_MARKER_ATTRIBUTE}`] : fields });
    }
  }

  private async userProfile(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const profile = (await kc.users.getProfile({ realm: def.realm })) as { attributes?: UserProfileAttribute[] } & Rep;
    const attributes = [...(profile.attributes ?? [])];
    const changed: string[] = [];
    for (const want of desiredProfileAttributes(def)) {
      const i = attributes.findIndex((a) => a.name === want.name);
      const have = i >= 0 ? attributes[i] : undefined;
      if (!have || driftedFields(want, have).length) {
        changed.push(want.name);
        if (i >= 0) attributes[i] = { ...have, ...want };
        else attributes.push(want);
      }
    }
    if (changed.length) {
      await kc.users.updateProfile({ realm: def.realm, ...profile, attributes } as never);
      log({ resource: 'user-profile', name: 'attributes', action: 'updated', fields: changed });
    }
  }

  private async roles(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const existing = await kc.roles.find({ realm: def.realm });
    for (const name of VIGIE_REALM_ROLES) {
      const description = ROLE_DESCRIPTIONS[name];
      const have = existing.find((r) => r.name === name);
      if (!have) {
        await kc.roles.create({ realm: def.realm, name, description });
        log({ resource: 'role', name, action: 'created' });
      } else if (have.description !== description) {
        await kc.roles.updateByName({ realm: def.realm, name }, { ...have, description });
        log({ resource: 'role', name, action: 'updated', fields: ['description'] });
      }
    }
  }

  private async clientScope(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const scopes = await kc.clientScopes.find({ realm: def.realm });
    let scope = scopes.find((s) => s.name === VIGIE_CLIENT_SCOPE);
    if (!scope) {
      await kc.clientScopes.create({
        realm: def.realm,
        name: VIGIE_CLIENT_SCOPE,
        description: 'Vigie claims: audience, tenant, roles, clearance, compartments',
        protocol: 'openid-connect',
        attributes: { 'include.in.token.scope': 'false', 'display.on.consent.screen': 'false' },
      });
      scope = (await kc.clientScopes.find({ realm: def.realm })).find((s) => s.name === VIGIE_CLIENT_SCOPE);
      log({ resource: 'client-scope', name: VIGIE_CLIENT_SCOPE, action: 'created' });
    }
    const scopeId = scope!.id!;
    const mappers = await kc.clientScopes.listProtocolMappers({ realm: def.realm, id: scopeId });
    const wanted = desiredMappers(def);
    for (const want of wanted) {
      const have = mappers.find((m) => m.name === want.name);
      if (!have) {
        await kc.clientScopes.addProtocolMapper({ realm: def.realm, id: scopeId }, { name: want.name, protocol: 'openid-connect', protocolMapper: want.protocolMapper, config: want.config });
        log({ resource: 'mapper', name: want.name, action: 'created' });
      } else {
        const fields = [...(have.protocolMapper !== want.protocolMapper ? ['protocolMapper'] : []), ...driftedFields(want.config, have.config as Rep).map((k) => `config.${k}`)];
        if (fields.length) {
          await kc.clientScopes.updateProtocolMapper(
            { realm: def.realm, id: scopeId, mapperId: have.id! },
            { ...have, protocolMapper: want.protocolMapper, config: { ...(have.config ?? {}), ...want.config } },
          );
          log({ resource: 'mapper', name: want.name, action: 'updated', fields });
        }
      }
    }
    // The scope is Vigie's: a mapper nobody declared could put any claim into every token.
    for (const extra of mappers.filter((m) => !wanted.some((w) => w.name === m.name))) {
      await kc.clientScopes.delProtocolMapper({ realm: def.realm, id: scopeId, mapperId: extra.id! });
      log({ resource: 'mapper', name: extra.name ?? extra.id!, action: 'removed' });
    }
    const defaults = await kc.clientScopes.listDefaultClientScopes({ realm: def.realm } as never);
    if (!defaults.some((s) => s.id === scopeId)) {
      await kc.clientScopes.addDefaultClientScope({ realm: def.realm, id: scopeId });
      log({ resource: 'client-scope', name: `${VIGIE_CLIENT_SCOPE} (realm default)`, action: 'updated' });
    }
  }

  private async clients(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const scope = (await kc.clientScopes.find({ realm: def.realm })).find((s) => s.name === VIGIE_CLIENT_SCOPE)!;
    for (const want of desiredClients(def)) {
      let client = (await kc.clients.find({ realm: def.realm, clientId: want.clientId }))[0] as Rep | undefined;
      if (!client) {
        await kc.clients.create({ realm: def.realm, clientId: want.clientId, ...want.rep, attributes: want.attributes });
        client = (await kc.clients.find({ realm: def.realm, clientId: want.clientId }))[0] as Rep;
        log({ resource: 'client', name: want.clientId, action: 'created' });
      } else {
        const fields = driftedFields(want.rep, client);
        const attrFields = driftedFields(want.attributes, (client['attributes'] ?? {}) as Rep);
        if (fields.length || attrFields.length) {
          await kc.clients.update(
            { realm: def.realm, id: client['id'] as string },
            { ...client, ...want.rep, attributes: { ...((client['attributes'] ?? {}) as Record<string, string>), ...want.attributes } },
          );
          log({ resource: 'client', name: want.clientId, action: 'updated', fields: [...fields, ...attrFields.map((a) => `attributes.${a}`)] });
        }
      }
      const id = client['id'] as string;
      const scopes = await kc.clients.listDefaultClientScopes({ realm: def.realm, id });
      if (!scopes.some((s) => s.id === scope.id)) {
        await kc.clients.addDefaultClientScope({ realm: def.realm, id, clientScopeId: scope.id! });
        log({ resource: 'client', name: want.clientId, action: 'updated', fields: [`defaultClientScopes.${VIGIE_CLIENT_SCOPE}`] });
      }
      if (want.kind === 'service') {
        const service = def.clients.services.find((s) => s.clientId === want.clientId)!;
        await this.serviceSecret(def, id, service, log);
        await this.serviceAccount(def, id, service, log);
      }
    }
  }

  private async serviceSecret(def: RealmDefinition, id: string, service: ServiceClientDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const secret = await this.secrets.get(service.secretRef);
    if (secret.generated) log({ resource: 'secret', name: service.secretRef, action: 'generated' });
    const current = await kc.clients.getClientSecret({ realm: def.realm, id });
    if (current.value !== secret.value) {
      const client = await kc.clients.findOne({ realm: def.realm, id });
      await kc.clients.update({ realm: def.realm, id }, { ...client, secret: secret.value });
      log({ resource: 'client-secret', name: service.clientId, action: 'updated' });
    }
  }

  private async serviceAccount(def: RealmDefinition, clientUuid: string, service: ServiceClientDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const user = await kc.clients.getServiceAccountUser({ realm: def.realm, id: clientUuid });
    const name = `service-account-${service.clientId}`;
    const attributes = { ...(user.attributes ?? {}) } as Record<string, string[]>;
    const wantAttrs = { clearance: [service.clearance], compartments: [...service.compartments] };
    const attrFields = driftedFields(wantAttrs, attributes);
    if (attrFields.length) {
      const full = await kc.users.findOne({ realm: def.realm, id: user.id! });
      await kc.users.update({ realm: def.realm, id: user.id! }, { ...full, attributes: { ...attributes, ...wantAttrs } });
      log({ resource: 'service-account', name, action: 'updated', fields: attrFields.map((f) => `attributes.${f}`) });
    }
    await this.syncRealmRoles(def.realm, 'user', user.id!, service.roles, name, 'service-account', log);
  }

  /** Makes the Vigie roles of a user or group exactly `wanted` (other roles are left alone). */
  private async syncRealmRoles(
    realm: string,
    holder: 'user' | 'group',
    id: string,
    wanted: readonly string[],
    name: string,
    resource: RealmChange['resource'],
    log: (c: Omit<RealmChange, 'realm'>) => void,
  ): Promise<void> {
    const kc = await this.kc();
    const api = holder === 'user' ? kc.users : kc.groups;
    const current = await api.listRealmRoleMappings({ realm, id });
    const all = await kc.roles.find({ realm });
    const add = wanted.filter((r) => !current.some((c) => c.name === r)).map((r) => all.find((x) => x.name === r)!);
    const remove = current.filter((c) => (VIGIE_REALM_ROLES as readonly string[]).includes(c.name!) && !wanted.includes(c.name!));
    if (add.length) await api.addRealmRoleMappings({ realm, id, roles: add.map((r) => ({ id: r.id!, name: r.name! })) });
    if (remove.length) await api.delRealmRoleMappings({ realm, id, roles: remove.map((r) => ({ id: r.id!, name: r.name! })) });
    if (add.length || remove.length) {
      log({ resource, name, action: 'updated', fields: [...add.map((r) => `+${r.name}`), ...remove.map((r) => `-${r.name}`)] });
    }
  }

  private async groups(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    let existing = await kc.groups.find({ realm: def.realm, max: 1000, briefRepresentation: false });
    for (const want of def.groups) {
      let group = existing.find((g) => g.name === want.name);
      const attributes = want.description ? { description: [want.description] } : {};
      if (!group) {
        await kc.groups.create({ realm: def.realm, name: want.name, attributes });
        existing = await kc.groups.find({ realm: def.realm, max: 1000, briefRepresentation: false });
        group = existing.find((g) => g.name === want.name)!;
        log({ resource: 'group', name: want.name, action: 'created' });
      } else if (want.description && !sameValue(attributes.description, group.attributes?.['description'])) {
        await kc.groups.update({ realm: def.realm, id: group.id! }, { ...group, attributes: { ...(group.attributes ?? {}), ...attributes } });
        log({ resource: 'group', name: want.name, action: 'updated', fields: ['attributes.description'] });
      }
      await this.syncRealmRoles(def.realm, 'group', group.id!, want.roles, want.name, 'group', log);
    }
  }

  private async users(def: RealmDefinition, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    for (const user of def.users) await this.seedUser(def, user, log);
  }

  /** Creates a listed user when missing; an existing user is never touched (administrators own users). */
  private async seedUser(def: RealmDefinition, user: SeedUser, log: (c: Omit<RealmChange, 'realm'>) => void): Promise<void> {
    const kc = await this.kc();
    const found = await kc.users.find({ realm: def.realm, username: user.username, exact: true });
    if (found.length) return;
    const password = await this.secrets.get(user.passwordRef);
    if (password.generated) log({ resource: 'secret', name: user.passwordRef, action: 'generated' });
    try {
      await kc.users.create({
        realm: def.realm,
        username: user.username,
        email: user.email,
        firstName: user.firstName,
        lastName: user.lastName,
        enabled: true,
        emailVerified: true,
        attributes: { clearance: [user.clearance], compartments: user.compartments },
        groups: user.groups.map((g) => `/${g}`),
        credentials: [{ type: 'password', value: password.value, temporary: user.temporaryPassword }],
      });
    } catch (error) {
      if (keycloakStatus(error) === 409) return; // created concurrently by another run
      throw error;
    }
    const created = (await kc.users.find({ realm: def.realm, username: user.username, exact: true }))[0];
    if (user.roles.length) {
      const all = await kc.roles.find({ realm: def.realm });
      await kc.users.addRealmRoleMappings({
        realm: def.realm,
        id: created.id!,
        roles: user.roles.map((r) => all.find((x) => x.name === r)!).map((r) => ({ id: r.id!, name: r.name! })),
      });
    }
    log({ resource: 'user', name: user.username, action: 'created' });
  }
}
