import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeliverPolicy, JSONCodec, NatsConnection } from 'nats';
import type { Job } from '@vigie/ingestion-contracts';
import type { BatchProcessedPayload } from '@vigie/ontology-contracts';
import { connectNats } from '@vigie/shared-messaging';
import { gatewayUrl, launcher } from '@vigie/shared-testing';

export const stack = launcher.loadStackEnv();
const KEYCLOAK_URL = stack['KEYCLOAK_URL'];
const REALM_SECRETS_DIR = join(stack['VIGIE_STATE_DIR'] ?? launcher.stateDir(), 'secrets', 'realms');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A user's access token (password grant through the realm's test client `vigie-cli`). */
export async function login(username: string, realm = 'alpha'): Promise<string> {
  const password = readFileSync(join(REALM_SECRETS_DIR, 'dev-user-password'), 'utf8').trim();
  const res = await fetch(`${KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username, password }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`login ${username}@${realm} failed: HTTP ${res.status} ${body.error ?? ''}`);
  return body.access_token;
}

export type JobView = Job & { progress: { bytesRead: number; bytesTotal: number | null; rate: number; etaSeconds: number | null } };

export interface ApiResult<T> {
  status: number;
  body: T;
}

export async function api<T = Record<string, unknown>>(path: string, token: string, init: { method?: string } = {}): Promise<ApiResult<T>> {
  const res = await fetch(gatewayUrl(`/api/v1${path}`), { method: init.method ?? 'GET', headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // NDJSON / CSV reports stay text
  }
  return { status: res.status, body: body as T };
}

export interface UploadFields {
  format: string;
  source: string;
  mapping?: string;
  mappingId?: string;
  markings?: string;
  options?: string;
}

/** Uploads a file (multipart: the fields, then the file part) and starts its job. */
export async function upload(token: string, fileName: string, data: Buffer, fields: UploadFields): Promise<ApiResult<JobView & { error?: { code: string; message: string; details?: unknown } }>> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(data)]), fileName);
  const res = await fetch(gatewayUrl('/api/v1/ingest/jobs'), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as JobView & { error?: { code: string; message: string } } };
}

const TERMINAL = ['completed', 'failed', 'cancelled'];

/** Polls a job until it ends (or `until` holds). */
export async function waitJob(token: string, id: string, timeoutMs = 90_000, until: (j: JobView) => boolean = (j) => TERMINAL.includes(j.status)): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  let last: JobView | undefined;
  while (Date.now() < deadline) {
    const r = await api<JobView>(`/ingest/jobs/${id}`, token).catch(() => undefined);
    if (r?.status === 200) {
      last = r.body;
      if (until(last)) return last;
    }
    await sleep(250);
  }
  throw new Error(`job ${id} did not get there in ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
}

export interface QuarantineLine {
  index: number;
  line: number;
  offset: number;
  code: string;
  reason: string;
  raw: string;
}

export async function quarantine(token: string, id: string): Promise<QuarantineLine[]> {
  // Read as text: an empty report (or a one-line one) is not to be taken for a JSON body.
  const res = await fetch(gatewayUrl(`/api/v1/ingest/jobs/${id}/quarantine`), { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`quarantine of ${id}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as QuarantineLine);
}

/** A NATS connection with the `setup` user (may read every stream). */
export function connectSetup(): Promise<NatsConnection> {
  return connectNats({ NATS_URL: stack['NATS_URL'], NATS_USER: 'setup', NATS_PASSWORD: stack['VIGIE_NATS_PASSWORD_SETUP'] }, 'tests-ingestion');
}

const processedCodec = JSONCodec<BatchProcessedPayload>();

/** The ontology's `batch.processed` events of a job (published since `since`), one per seq. */
export async function processedEvents(nc: NatsConnection, jobId: string, since: Date): Promise<BatchProcessedPayload[]> {
  const js = nc.jetstream();
  const consumer = await js.consumers.get('ONTOLOGY', { filterSubjects: 'ontology.v1.events.batch.processed', deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() });
  const bySeq = new Map<number, BatchProcessedPayload>();
  for (;;) {
    const m = await consumer.next({ expires: 1500 });
    if (!m) break;
    const e = processedCodec.decode(m.data);
    if (e.jobId === jobId) bySeq.set(e.seq, e);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * People with a phone each (columns id, first_name, last_name, phone; a Person, an optional Phone
 * and a `uses` link per row): tests/fixtures/mappings/people-with-phones.yaml, shared with the
 * ingestion benchmarks.
 */
export const PEOPLE_MAPPING = readFileSync(join(launcher.ROOT, 'tests/fixtures/mappings/people-with-phones.yaml'), 'utf8');

/** The same mapping for JSON / NDJSON records (fields of the same names). */
export const PEOPLE_JSON_MAPPING = PEOPLE_MAPPING;

/** A unique source name per run, so runs do not see each other's objects. */
export function uniqueSource(name: string): string {
  return `t-${name}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** N CSV rows of a person and a distinct phone each (French mobile numbers). */
export function peopleCsv(rows: number, offset = 0): Buffer {
  const lines = ['id,first_name,last_name,phone'];
  for (let i = offset; i < offset + rows; i++) lines.push(`${i},Prenom${i},Nom${i},+336${String(10_000_000 + i).slice(-8)}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

export function expectBalanced(job: Job): void {
  if (job.counts.read !== job.counts.written + job.counts.quarantined) {
    throw new Error(`counts do not add up: ${JSON.stringify(job.counts)}`);
  }
}
