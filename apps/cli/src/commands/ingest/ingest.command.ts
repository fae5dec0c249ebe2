import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { INGESTION_FORMATS, Job, JobProgressedPayload } from '@vigie/ingestion-contracts';
import { CliIo, ExitCode, ExitCodeValue } from '../../cli-io';
import { CliCommand, CliUsageError } from '../cli-command';
import { formatDuration, markingsArgument, multipartBody, parseSse, progressBar } from './ingest-upload.util';
import { DEFAULT_CHUNK_SIZE, DEFAULT_RESUMABLE_ABOVE, DEFAULT_RETRIES, resumableUpload, UploadRefusedError } from './resumable-upload.util';

const HELP = `Usage: vigie ingest FILE (--mapping MAPPING | --mapping-id ID) [options]

Uploads FILE to the gateway (streamed, never read whole), starts an ingestion job, shows its
progress live, then a summary. Records that fail are quarantined: download the report with
GET /api/v1/ingest/jobs/<id>/quarantine (?format=csv).

A file of --resumable-above bytes or more goes through a resumable upload session, in chunks:
when the connection drops or the gateway restarts, the upload resumes from the server's offset
(at most --retries failures in a row, waiting longer each time).

Options:
  -m, --mapping FILE     The mapping (YAML or JSON). Required except for STIX bundles.
      --mapping-id ID    A mapping stored in the tenant (POST /api/v1/ingest/mappings), instead of --mapping.
  -f, --format FORMAT    ${INGESTION_FORMATS.join(' | ')} (default: from the file name; STIX must be named).
  -s, --source NAME      The source (dataset) the records belong to (default: the file name).
      --markings M       Markings of the job: LEVEL[:compartment,…] (e.g. DR:cyber) or JSON
                         (default: the mapping's). Refused if above your clearance.
  -g, --gateway URL      Gateway base URL (default: $VIGIE_GATEWAY or http://127.0.0.1:3000).
  -t, --token TOKEN      Access token (default: $VIGIE_TOKEN). Needs the role vigie-ingest.
      --resumable-above SIZE  Use a resumable session from this size on (default 64mb; 0: always).
      --chunk-size SIZE  Bytes per chunk of a resumable upload (default 16mb).
      --retries N        Failures in a row a resumable upload tolerates (default ${DEFAULT_RETRIES}).
      --no-wait          Return once the job is created.
      --json             Print the final job as JSON instead of the summary.
  -h, --help             Show this help.

Exit status: 0 the job completed; 1 it failed or was cancelled, or a resumable upload gave up
after --retries failures; 2 bad usage or the upload was refused.`;

function guessFormat(file: string): string | undefined {
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  return undefined;
}

const CONTENT_TYPES: Record<string, string> = { csv: 'text/csv', json: 'application/json', ndjson: 'application/x-ndjson', stix: 'application/json' };

interface ApiError {
  error?: { code?: string; message?: string; details?: { errors?: { path: string; line: number; message: string }[] } };
}

function describeApiError(status: number, body: ApiError): string {
  const e = body.error;
  const lines = [`HTTP ${status} ${e?.code ?? ''}: ${e?.message ?? 'request refused'}`];
  for (const m of e?.details?.errors ?? []) lines.push(`  mapping line ${m.line}: ${m.path}: ${m.message}`);
  return lines.join('\n');
}

/** A size option (`16mb`, `1gb`, `4096`) in bytes. */
function sizeOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^\s*(\d+)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(value);
  if (!m) throw new CliUsageError(`${name} must be a size such as 16mb, 1gb or a number of bytes, not "${value}"`);
  const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };
  return Number(m[1]) * (units[(m[2] ?? 'b').toLowerCase()] ?? 1);
}

export function summary(job: Job & { progress?: { rate?: number } }, seconds: number): string {
  const c = job.counts;
  const lines = [
    `Job ${job.id} ${job.status} in ${formatDuration(seconds)}`,
    `  file        ${job.fileName} (${job.format}), source ${job.source}, markings ${job.markings.level}${job.markings.compartments.length ? `:${job.markings.compartments.join(',')}` : ''}`,
    `  read        ${c.read}`,
    `  valid       ${c.valid}`,
    `  written     ${c.written}`,
    `  quarantined ${c.quarantined}${c.quarantined > 0 ? `  (report: GET /api/v1/ingest/jobs/${job.id}/quarantine)` : ''}`,
    `  merged      ${c.merged}`,
    `  rate        ${seconds > 0 ? Math.round(c.read / seconds) : c.read} records/s`,
  ];
  if (job.error) lines.push(`  error       ${job.error.code}: ${job.error.message}`);
  if (job.status === 'completed' && c.read !== c.written + c.quarantined) lines.push(`  WARNING     read ≠ written + quarantined`);
  return lines.join('\n');
}

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'Upload a file for ingestion and follow the job.',
  help: HELP,
  async run(args, io): Promise<ExitCodeValue> {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        strict: true,
        options: {
          mapping: { type: 'string', short: 'm' },
          'mapping-id': { type: 'string' },
          format: { type: 'string', short: 'f' },
          source: { type: 'string', short: 's' },
          markings: { type: 'string' },
          gateway: { type: 'string', short: 'g' },
          token: { type: 'string', short: 't' },
          'resumable-above': { type: 'string' },
          'chunk-size': { type: 'string' },
          retries: { type: 'string' },
          'no-wait': { type: 'boolean' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new CliUsageError(`${(error as Error).message}\n\n${HELP}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return ExitCode.Ok;
    }
    if (positionals.length !== 1) throw new CliUsageError(`give exactly one FILE\n\n${HELP}`);
    const file = positionals[0];
    const format = values.format ?? guessFormat(file);
    if (!format || !(INGESTION_FORMATS as readonly string[]).includes(format)) throw new CliUsageError(`--format must be one of ${INGESTION_FORMATS.join(', ')}`);
    if (values.mapping && values['mapping-id']) throw new CliUsageError('give --mapping or --mapping-id, not both');
    if (format === 'stix' && (values.mapping || values['mapping-id'])) throw new CliUsageError('a STIX bundle takes no mapping: drop --mapping / --mapping-id');
    if (format !== 'stix' && !values.mapping && !values['mapping-id']) throw new CliUsageError(`--mapping (or --mapping-id) is required for ${format} files`);
    const token = values.token ?? process.env['VIGIE_TOKEN'];
    if (!token) throw new CliUsageError('no token: pass --token or set VIGIE_TOKEN');
    const gateway = (values.gateway ?? process.env['VIGIE_GATEWAY'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
    let size: number;
    try {
      size = statSync(file).size;
    } catch (error) {
      throw new CliUsageError(`cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const fields: Record<string, string> = { format, source: values.source ?? basename(file) };
    if (values.mapping) {
      try {
        fields['mapping'] = readFileSync(values.mapping, 'utf8');
      } catch (error) {
        throw new CliUsageError(`cannot read mapping "${values.mapping}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    if (values['mapping-id']) fields['mappingId'] = values['mapping-id'];
    if (values.markings) {
      try {
        fields['markings'] = markingsArgument(values.markings);
      } catch (error) {
        throw new CliUsageError((error as Error).message);
      }
    }
    const resumableAbove = sizeOption('--resumable-above', values['resumable-above'], DEFAULT_RESUMABLE_ABOVE);
    const chunkSize = sizeOption('--chunk-size', values['chunk-size'], DEFAULT_CHUNK_SIZE);
    if (chunkSize < 1) throw new CliUsageError('--chunk-size must be at least 1 byte');
    const retries = values.retries === undefined ? DEFAULT_RETRIES : Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 100) throw new CliUsageError('--retries must be an integer from 0 to 100');
    const started = Date.now();
    let created: Job;
    if (size >= resumableAbove) {
      io.stderr(`Uploading ${basename(file)} (${size} bytes) to ${gateway}, resumable…\n`);
      const { markings, ...rest } = fields;
      try {
        created = await resumableUpload({
          gateway,
          token,
          file,
          size,
          session: { fileName: basename(file), ...rest, ...(markings ? { markings: JSON.parse(markings) as unknown } : {}) },
          chunkSize,
          retries,
          progress: (text) => io.stderr(text),
        });
      } catch (error) {
        if (error instanceof UploadRefusedError) {
          io.stderr(`${describeApiError(error.status, error.body)}\n`);
          return ExitCode.Usage;
        }
        io.stderr(`${(error as Error).message}\n`);
        return ExitCode.Failed;
      }
    } else {
      const multipart = multipartBody(fields, { name: basename(file), contentType: CONTENT_TYPES[format], data: io.openFile(file) });
      io.stderr(`Uploading ${basename(file)} (${size} bytes) to ${gateway}…\n`);
      const res = await fetch(`${gateway}/api/v1/ingest/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': multipart.contentType },
        body: multipart.body as unknown as RequestInit["body"],
        duplex: 'half',
      } as RequestInit & { duplex: 'half' });
      const answer = (await res.json().catch(() => ({}))) as Job & ApiError;
      if (res.status !== 201) {
        io.stderr(`${describeApiError(res.status, answer)}\n`);
        return ExitCode.Usage;
      }
      created = answer;
    }
    io.stderr(`Job ${created.id} created (SHA-256 ${String(created.detected?.['sha256'] ?? '?')})\n`);
    if (values['no-wait']) {
      io.stdout(`${values.json ? JSON.stringify(created) : created.id}\n`);
      return ExitCode.Ok;
    }
    const job = await follow(gateway, token, created, io);
    const seconds = (Date.now() - started) / 1000;
    io.stdout(values.json ? `${JSON.stringify(job)}\n` : `${summary(job, seconds)}\n`);
    return job.status === 'completed' ? ExitCode.Ok : ExitCode.Failed;
  },
};

/** Follows the job's server-sent events (reconnecting if the stream drops) and draws a progress bar; resolves to the final job. */
async function follow(gateway: string, token: string, created: Job, io: CliIo): Promise<Job> {
  const headers = { authorization: `Bearer ${token}` };
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const res = await fetch(`${gateway}/api/v1/ingest/jobs/${created.id}/events`, { headers: { ...headers, accept: 'text/event-stream' } });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      for await (const e of parseSse(res.body as unknown as AsyncIterable<Uint8Array>)) {
        if (e.event === 'progress') {
          const p = JSON.parse(e.data) as JobProgressedPayload;
          const fraction = p.bytesTotal ? p.bytesRead / p.bytesTotal : 0;
          io.stderr(
            `\r${progressBar(fraction)} ${p.status.padEnd(9)} read ${p.counts.read} written ${p.counts.written} quarantined ${p.counts.quarantined}  ${Math.round(p.rate)} rec/s  ETA ${formatDuration(p.etaSeconds)}   `,
          );
        } else if (e.event === 'end') {
          io.stderr('\n');
          return JSON.parse(e.data) as Job;
        } else if (e.event === 'error') {
          throw new Error(e.data);
        }
      }
    } catch (error) {
      io.stderr(`\nprogress stream interrupted (${(error as Error).message}); reconnecting…\n`);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const res = await fetch(`${gateway}/api/v1/ingest/jobs/${created.id}`, { headers });
    if (res.ok) {
      const job = (await res.json()) as Job;
      if (['completed', 'failed', 'cancelled'].includes(job.status)) return job;
    }
  }
  throw new Error(`lost track of job ${created.id}: see GET /api/v1/ingest/jobs/${created.id}`);
}
