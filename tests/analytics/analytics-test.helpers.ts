import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, JSONCodec, NatsConnection } from 'nats';
import type { LinkView, Marking, ObjectView, PropertyEntry } from '@vigie/ontology-contracts';
import { linkChanged, objectChanged } from '@vigie/ontology-contracts';
import { gatewayUrl, launcher } from '@vigie/shared-testing';

export const stack = launcher.loadStackEnv();
const KEYCLOAK_URL = stack['KEYCLOAK_URL'];
const codec = JSONCodec<unknown>();

/** The gateway under test (ANALYTICS_TEST_GATEWAY_URL to aim at another one, e.g. a private build). */
export const api = (path: string) => `${process.env['ANALYTICS_TEST_GATEWAY_URL'] ?? gatewayUrl()}/api/v1${path}`;

const devPassword = () => readFileSync(join(stack['VIGIE_STATE_DIR'] ?? launcher.stateDir(), 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();

const tokens = new Map<string, { token: string; at: number }>();

/** A real access token of a seeded user of the development realms (password grant of `vigie-cli`). */
export async function tokenOf(realm: string, username: string): Promise<string> {
  const key = `${realm}/${username}`;
  const cached = tokens.get(key);
  if (cached && Date.now() - cached.at < 120_000) return cached.token;
  const res = await fetch(`${KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username, password: devPassword() }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`login ${username}@${realm} failed: HTTP ${res.status} ${body.error ?? ''}`);
  tokens.set(key, { token: body.access_token, at: Date.now() });
  return body.access_token;
}

export const PURPOSE = { caseRef: 'CASE-ANALYTICS-IT', justification: 'analytics integration test' };

/** POST to the gateway as a user; `purpose` adds the x-purpose header. */
export async function post<T = Record<string, unknown>>(
  path: string,
  body: unknown,
  as: { realm?: string; user: string; purpose?: boolean },
): Promise<{ status: number; body: T }> {
  const res = await fetch(api(path), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await tokenOf(as.realm ?? 'alpha', as.user)}`,
      'content-type': 'application/json',
      ...(as.purpose ? { 'x-purpose': JSON.stringify(PURPOSE) } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** The ONTOLOGY stream as the ontology service publishes it (its NATS user). */
export async function ontologyPublisher(): Promise<NatsConnection> {
  return connect({ servers: stack['NATS_URL'], user: 'ontology', pass: stack['VIGIE_NATS_PASSWORD_ONTOLOGY'], inboxPrefix: '_INBOX_ontology' });
}

/** An admin connection (the `setup` user) for JetStream inspection. */
export async function setupConnection(): Promise<NatsConnection> {
  return connect({ servers: stack['NATS_URL'], user: 'setup', pass: stack['VIGIE_NATS_PASSWORD_SETUP'] });
}

const actor = { subject: 'ontology-it', kind: 'service' as const };
const provenance = { source: 'analytics-it' };

export async function publishObject(nc: NatsConnection, tenant: string, object: ObjectView): Promise<void> {
  const eventId = randomUUID();
  const payload = objectChanged.payload.parse({ eventId, tenant, occurredAt: new Date().toISOString(), actor, change: object.deletedAt ? 'deleted' : object.version > 1 ? 'updated' : 'created', object });
  await nc.jetstream().publish(objectChanged.subject, codec.encode(payload), { msgID: eventId });
}

export async function publishLink(nc: NatsConnection, tenant: string, link: LinkView): Promise<void> {
  const eventId = randomUUID();
  const payload = linkChanged.payload.parse({ eventId, tenant, occurredAt: new Date().toISOString(), actor, change: link.deletedAt ? 'deleted' : 'created', link });
  await nc.jetstream().publish(linkChanged.subject, codec.encode(payload), { msgID: eventId });
}

export const NP: Marking = { level: 'NP', compartments: [] };
export const mark = (level: Marking['level'], ...compartments: string[]): Marking => ({ level, compartments });
const now = () => new Date().toISOString();

export function person(name: string, opts: { id?: string; markings?: Marking; version?: number; deleted?: boolean; extra?: Record<string, PropertyEntry['value'] | { value: PropertyEntry['value']; marking: Marking }> } = {}): ObjectView {
  const properties: Record<string, PropertyEntry> = { name: { value: name, marking: NP, provenance } };
  for (const [k, v] of Object.entries(opts.extra ?? {})) {
    properties[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && 'marking' in v ? { value: v.value, marking: v.marking, provenance } : { value: v as PropertyEntry['value'], marking: NP, provenance };
  }
  return {
    id: opts.id ?? randomUUID(),
    type: 'Person',
    version: opts.version ?? 1,
    title: name,
    markings: opts.markings ?? NP,
    provenance,
    properties,
    entityId: null,
    createdAt: now(),
    updatedAt: now(),
    deletedAt: opts.deleted ? now() : null,
  };
}

export function link(fromId: string, toId: string, opts: { markings?: Marking; type?: string; validFrom?: string } = {}): LinkView {
  return {
    id: randomUUID(),
    type: opts.type ?? 'knows',
    fromId,
    toId,
    directed: false,
    version: 1,
    markings: opts.markings ?? NP,
    provenance,
    properties: {},
    validFrom: opts.validFrom ?? null,
    validTo: null,
    createdAt: now(),
    updatedAt: now(),
    deletedAt: null,
  };
}

/** Polls until `check` holds (projection applied), or fails with the last value seen. */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await fn();
  }
  return last;
}
