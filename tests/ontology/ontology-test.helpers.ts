import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, NatsConnection } from 'nats';
import { gatewayUrl, launcher } from '@vigie/shared-testing';

export const stack = launcher.loadStackEnv();

/** The gateway under test (ONTOLOGY_TEST_GATEWAY_URL to aim at another one, e.g. a private build). */
export const api = (path: string) => `${process.env['ONTOLOGY_TEST_GATEWAY_URL'] ?? gatewayUrl()}/api/v1${path}`;

const devPassword = () => readFileSync(join(stack['VIGIE_STATE_DIR'] ?? launcher.stateDir(), 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();
const tokens = new Map<string, { token: string; at: number }>();

/** A real access token of a seeded user of the development realms (password grant of `vigie-cli`). */
export async function tokenOf(realm: string, username: string): Promise<string> {
  const key = `${realm}/${username}`;
  const cached = tokens.get(key);
  if (cached && Date.now() - cached.at < 120_000) return cached.token;
  const res = await fetch(`${stack['KEYCLOAK_URL']}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username, password: devPassword() }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`login ${username}@${realm} failed: HTTP ${res.status} ${body.error ?? ''}`);
  tokens.set(key, { token: body.access_token, at: Date.now() });
  return body.access_token;
}

export const PURPOSE = { caseRef: 'CASE-ONTOLOGY-IT', justification: 'ontology integration test' };

export interface As {
  user: string;
  realm?: string;
  purpose?: boolean;
}

/** One HTTP call to the gateway as a user (or anonymously with `as` undefined). */
export async function call<T = Record<string, unknown>>(method: string, path: string, as: As | undefined, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(api(path), {
    method,
    headers: {
      ...(as ? { authorization: `Bearer ${await tokenOf(as.realm ?? (as.user.split('-')[0] as string), as.user)}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(as?.purpose ? { 'x-purpose': JSON.stringify(PURPOSE) } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

/**
 * Every match of a listing, following `nextCursor`: a listing with filters reads a bounded number
 * of objects per page and may answer a partial (even empty) page before the matches when other
 * suites write meanwhile. At most 50 pages.
 */
export async function everyMatch<T>(path: string, as: As): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page += 1) {
    const r: { status: number; body: { items: T[]; nextCursor: string | null } } = await call('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as);
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path}: more than 50 pages`);
}

/** A suffix unique to this run (letters only: it goes into names and type names). */
export function runSuffix(): string {
  return Array.from(randomBytes(8), (b) => 'bcdfghjklmnprstvz'[b % 17]).join('');
}

/** The NATS user of the ingestion service: the only publisher of INGEST. */
export function ingestionConnection(): Promise<NatsConnection> {
  return connect({ servers: stack['NATS_URL'], user: 'ingestion', pass: stack['VIGIE_NATS_PASSWORD_INGESTION'], inboxPrefix: '_INBOX_ingestion' });
}

/** An admin connection (the `setup` user) to read streams. */
export function setupConnection(): Promise<NatsConnection> {
  return connect({ servers: stack['NATS_URL'], user: 'setup', pass: stack['VIGIE_NATS_PASSWORD_SETUP'] });
}

/** Polls until `check` holds, or fails with the last value seen. */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await fn();
  }
  return last;
}
