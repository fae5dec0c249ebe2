import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayUrl, launcher } from '@vigie/shared-testing';

/**
 * Helpers of the end-to-end scenario. Every address comes from the stack's env (VIGIE_STATE_DIR,
 * VIGIE_PORT_OFFSET, … — so the same suite runs against an isolated stack, e.g. in the
 * zero-egress namespace); VIGIE_GATEWAY_URL aims it at another gateway.
 */
export const stack = launcher.loadStackEnv();
export const KEYCLOAK_URL = process.env['VIGIE_KEYCLOAK_URL'] ?? stack['KEYCLOAK_URL'];
export const GATEWAY = process.env['VIGIE_GATEWAY_URL'] ?? gatewayUrl();
export const STATE_DIR = stack['VIGIE_STATE_DIR'] ?? launcher.stateDir();

export type Level = 'NP' | 'DR' | 'S' | 'TS';
export interface Marking {
  level: Level;
  compartments: string[];
}
export interface Purpose {
  caseRef: string;
  justification: string;
}

const RANK: Record<Level, number> = { NP: 0, DR: 1, S: 2, TS: 3 };

/** A user as the scenario knows them: their realm, their clearance, the purpose they state. */
export interface Actor {
  realm: string;
  username: string;
  password: string;
  clearance: Level;
  compartments: string[];
  purpose?: Purpose;
}

/** May `actor` see something marked `marking`? (the rule of docs/adr and DESIGN: level ≤ clearance, compartments ⊆ theirs). */
export function maysee(actor: Pick<Actor, 'clearance' | 'compartments'>, marking: Marking): boolean {
  return RANK[marking.level] <= RANK[actor.clearance] && marking.compartments.every((c) => actor.compartments.includes(c));
}

/** Every `markings` object anywhere in a response body (hits, nodes, edges, points, properties…). */
export function markingsIn(body: unknown): Marking[] {
  const found: Marking[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if ((k === 'markings' || k === 'marking') && child && typeof child === 'object' && 'level' in child) found.push(child as Marking);
        else walk(child);
      }
    }
  };
  walk(body);
  return found;
}

const tokens = new Map<string, { token: string; at: number }>();

async function tokenRequest(realm: string, form: Record<string, string>): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A real access token (password grant of the realm's test client `vigie-cli`). */
export async function tokenOf(actor: Pick<Actor, 'realm' | 'username' | 'password'>): Promise<string> {
  const key = `${actor.realm}/${actor.username}`;
  const cached = tokens.get(key);
  if (cached && Date.now() - cached.at < 120_000) return cached.token;
  const { status, body } = await tokenRequest(actor.realm, { grant_type: 'password', client_id: 'vigie-cli', username: actor.username, password: actor.password });
  if (!body['access_token']) throw new Error(`login ${actor.username}@${actor.realm} failed: HTTP ${status} ${body['error'] ?? ''} ${body['error_description'] ?? ''}`);
  tokens.set(key, { token: body['access_token'], at: Date.now() });
  return body['access_token'];
}

export const devPassword = (): string => readFileSync(join(STATE_DIR, 'secrets', 'realms', 'dev-user-password'), 'utf8').trim();

/**
 * The user's first login: an account created by an administrator carries a temporary password
 * (Keycloak's UPDATE_PASSWORD required action, done in the browser). The scenario has no browser:
 * it sets the user's own password through Keycloak's admin API with the bootstrap admin — the
 * same end state as the user choosing it at first login.
 */
export async function completeFirstLogin(realm: string, userId: string, password: string): Promise<void> {
  const { body } = await tokenRequest('master', { grant_type: 'password', client_id: 'admin-cli', username: stack['KEYCLOAK_ADMIN_USER'], password: stack['KEYCLOAK_ADMIN_PASSWORD'] });
  const res = await fetch(`${KEYCLOAK_URL}/admin/realms/${realm}/users/${userId}/reset-password`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${body['access_token']}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'password', value: password, temporary: false }),
  });
  if (res.status !== 204) throw new Error(`first login of ${userId}@${realm}: HTTP ${res.status} ${await res.text()}`);
}

export interface HttpResult<T> {
  status: number;
  body: T;
  text: string;
}

/** A call to the gateway's REST API as `actor` (their stated purpose, if any, in x-purpose). */
export async function call<T = Record<string, unknown>>(
  actor: Actor,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenOf(actor)}`, ...extraHeaders };
  if (actor.purpose) headers['x-purpose'] = JSON.stringify(actor.purpose);
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${GATEWAY}/api/v1${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text };
}

/** Polls until `check` holds, or fails naming what was awaited and the last value seen. */
export async function eventually<T>(what: string, fn: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last = await fn();
  while (!check(last)) {
    if (Date.now() > until) throw new Error(`${what}: not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    last = await fn();
  }
  return last;
}

export interface ExpectedRejection {
  line: number;
  code: string;
}
export interface FileManifest {
  file: string;
  format: 'csv' | 'ndjson' | 'stix';
  mapping?: string;
  items: number;
  valid: number;
  rejected: ExpectedRejection[];
}
export interface DatasetManifest {
  seed: number;
  files: { calls: FileManifest; registry: FileManifest; stix: FileManifest };
  resolution: { person: string; birthDate: string; merge: string[]; review: string[]; spellings: string[] }[];
  stixRedObjects: string[];
  ring: { fullName: string; phone: string }[];
}

/** Runs the dataset generator (tests/fixtures/generate-dataset.js) into a fresh folder. */
export function generateDataset(seed: number, scale: 'small' | 'medium' = 'small'): { dir: string; manifest: DatasetManifest } {
  const dir = mkdtempSync(join(tmpdir(), `vigie-e2e-${seed}-`));
  execFileSync(process.execPath, [join(launcher.ROOT, 'tests/fixtures/generate-dataset.js'), '--out', dir, '--seed', String(seed), '--scale', scale], { stdio: 'pipe' });
  return { dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as DatasetManifest };
}

export interface JobView {
  id: string;
  status: string;
  counts: { read: number; valid: number; quarantined: number; written: number; merged: number };
  error: { code: string; message: string } | null;
}

/** Uploads one file of the dataset as `actor` and returns the job id. */
export async function upload(actor: Actor, dir: string, file: FileManifest, source: string, markings: Marking): Promise<string> {
  const form = new FormData();
  form.set('format', file.format);
  form.set('source', source);
  form.set('markings', JSON.stringify(markings));
  if (file.mapping) form.set('mapping', readFileSync(join(dir, file.mapping), 'utf8'));
  form.set('file', new Blob([readFileSync(join(dir, file.file))]), file.file);
  const res = await call<{ id: string }>(actor, 'POST', '/ingest/jobs', form);
  if (res.status !== 201 && res.status !== 202) throw new Error(`upload of ${file.file} refused: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return res.body.id;
}

export async function waitJob(actor: Actor, id: string, timeoutMs = 150_000): Promise<JobView> {
  const job = await eventually(
    `ingest job ${id} finished`,
    async () => (await call<JobView>(actor, 'GET', `/ingest/jobs/${id}`)).body,
    (j) => !!j && !['pending', 'running'].includes(j.status),
    timeoutMs,
    1_000,
  );
  return job;
}
