import { ApiClient, ApiError, Page } from '../api-client';
import { Marking } from '../markings';
import { JobStatus } from './ingestion-progress';
import { SseParser } from './sse-parser';

/** Shapes of `/api/v1/ingest/*` (from `/api/docs/openapi.json`). */
export type IngestionFormat = 'csv' | 'json' | 'ndjson' | 'stix';

export interface JobCounts {
  read: number;
  valid: number;
  quarantined: number;
  written: number;
  merged: number;
}

export interface JobProgressFigures {
  bytesRead: number;
  bytesTotal: number | null;
  rate: number;
  etaSeconds: number | null;
}

export interface IngestJob {
  id: string;
  source: string;
  fileName: string;
  format: IngestionFormat;
  status: JobStatus;
  markings: Marking;
  counts: JobCounts;
  error: { code: string; message: string } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress?: JobProgressFigures;
}

/** One `event: progress` of the job's server-sent events. */
export interface ProgressEvent extends JobProgressFigures {
  jobId: string;
  status: JobStatus;
  counts: JobCounts;
  at: string;
}

export interface MappingError {
  path: string;
  line: number;
  column: number;
  message: string;
}

export type MappingValidation =
  | { ok: true; objects: { alias: string; type: string; optional: boolean }[]; links: { type: string; from: string; to: string }[]; fields: string[]; markings: Marking }
  | { ok: false; errors: MappingError[] };

export interface QuarantinedRecord {
  jobId: string;
  index: number;
  line: number;
  offset: number;
  code: string;
  reason: string;
  raw: string;
  at: string;
}

export interface UploadInput {
  file: Blob;
  fileName: string;
  format?: IngestionFormat;
  source?: string;
  mapping?: string;
  markings?: Marking;
}

/** The ingestion routes of the gateway. */
export class IngestionClient {
  constructor(private readonly api: ApiClient) {}

  /** Multipart upload; the text fields go before the file part, as the gateway asks. */
  upload(input: UploadInput, signal?: AbortSignal): Promise<IngestJob> {
    const form = new FormData();
    if (input.format) form.append('format', input.format);
    if (input.source) form.append('source', input.source);
    if (input.mapping) form.append('mapping', input.mapping);
    if (input.markings) form.append('markings', JSON.stringify(input.markings));
    form.append('file', input.file, input.fileName);
    return this.api.raw('POST', '/api/v1/ingest/jobs', { body: form, headers: { accept: 'application/json' }, signal }).then((res) => res.json() as Promise<IngestJob>);
  }

  jobs(signal?: AbortSignal): Promise<Page<IngestJob>> {
    return this.api.json<Page<IngestJob>>('GET', '/api/v1/ingest/jobs?limit=20', undefined, signal);
  }

  job(id: string, signal?: AbortSignal): Promise<IngestJob> {
    return this.api.json<IngestJob>('GET', `/api/v1/ingest/jobs/${encodeURIComponent(id)}`, undefined, signal);
  }

  cancel(id: string): Promise<IngestJob> {
    return this.api.json<IngestJob>('POST', `/api/v1/ingest/jobs/${encodeURIComponent(id)}/cancel`);
  }

  validate(mapping: string, columns?: string[], signal?: AbortSignal): Promise<MappingValidation> {
    return this.api.json<MappingValidation>('POST', '/api/v1/ingest/mappings/validate', columns && columns.length > 0 ? { mapping, columns } : { mapping }, signal);
  }

  /**
   * Follows the job's server-sent events until `end` (returns the final job) or `error` (throws).
   * Read with `fetch` (EventSource cannot send the bearer token).
   */
  async watch(id: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<IngestJob> {
    const res = await this.api.raw('GET', `/api/v1/ingest/jobs/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream' }, signal });
    if (!res.body) throw new ApiError(res.status, 'INVALID_RESPONSE', 'The progress stream has no body');
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      const events = parser.push(done ? decoder.decode() + '\n\n' : decoder.decode(value, { stream: true }));
      for (const event of events) {
        if (event.event === 'progress') onProgress(JSON.parse(event.data) as ProgressEvent);
        else if (event.event === 'end') {
          await reader.cancel().catch(() => undefined);
          return JSON.parse(event.data) as IngestJob;
        } else if (event.event === 'error') {
          await reader.cancel().catch(() => undefined);
          const error = JSON.parse(event.data) as { code?: string; message?: string };
          throw new ApiError(502, error.code ?? 'PROGRESS_FAILED', error.message ?? 'progress unavailable');
        }
      }
      if (done) throw new ApiError(502, 'PROGRESS_INTERRUPTED', 'The progress stream ended before the job did');
    }
  }

  /** The first `max` quarantined records of a job (the report as NDJSON). */
  async quarantine(id: string, max = 200, signal?: AbortSignal): Promise<{ records: QuarantinedRecord[]; truncated: boolean }> {
    const text = await (await this.quarantineFile(id, 'ndjson', signal)).text();
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return { records: lines.slice(0, max).map((l) => JSON.parse(l) as QuarantinedRecord), truncated: lines.length > max };
  }

  /** The whole quarantine report, for download. */
  async quarantineFile(id: string, format: 'ndjson' | 'csv', signal?: AbortSignal): Promise<Blob> {
    const res = await this.api.raw('GET', `/api/v1/ingest/jobs/${encodeURIComponent(id)}/quarantine?format=${format}`, { signal });
    return res.blob();
  }
}
