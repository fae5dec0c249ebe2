import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  INGESTION_FORMATS,
  IngestionException,
  IngestionExceptionCode,
  Job,
  jobCancel,
  jobCreate,
  JobCreateRequest,
  jobGet,
  jobList,
  JobProgressedPayload,
  jobProgressedPayloadSchema,
  jobSchema,
  JobStatus,
  mappingCreate,
  mappingCreateRequestSchema,
  mappingGet,
  mappingList,
  mappingValidate,
  mappingValidateRequestSchema,
  stixExtensionApply,
  stixExtensionGet,
  storedMappingSchema,
  quarantineList,
  QuarantinedRecord,
} from '@vigie/ingestion-contracts';
import { Actor, CurrentActor, hasRole } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException, ResponseOf, VigieException } from '@vigie/shared-contracts';
import { NATS_CONNECTION, ServiceClient } from '@vigie/shared-messaging';
import type { NatsConnection } from 'nats';
import { INGESTION_GATEWAY_CONFIG, IngestionGatewayConfig } from './ingestion-gateway.config';
import { IngestUploadStore, StoredUpload, tooLarge } from './ingestion-upload.store';
import { JobProgress, jobProgress } from './job-progress.util';
import { ProgressWatch } from './progress-watch';
import { SseStreams } from './sse-streams.util';

export const INGEST_ROLE = 'vigie-ingest';
const TERMINAL: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];
const SSE_INTERVAL_MS = 1000;
/** How often an SSE stream reads the job again (the caller's token re-checked) while progress is pushed. */
const SSE_RECHECK_MS = 5000;
const SSE_KEEPALIVE_MS = 15_000;

export function openApi(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  try {
    const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return { type: 'object' };
  }
}

export function invalid(message: string): PlatformException {
  return new PlatformException(PlatformErrorCode.ValidationFailed, ErrorKind.Invalid, message);
}

function jsonField(name: string, value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw invalid(`"${name}" must be JSON, e.g. {"level":"DR","compartments":[]}`);
  }
}

/** The format named by the request, else guessed from the file name (STIX must be named). */
export function formatOf(requested: string | undefined, fileName: string | undefined): string {
  if (requested) return requested;
  const ext = /\.([A-Za-z]+)$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') return 'json';
  throw invalid(`"format" is required (one of ${INGESTION_FORMATS.join(', ')}) when the file name does not tell it`);
}

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export type JobWithProgress = Job & { progress: JobProgress };

/**
 * `/api/v1/ingest/*`. Uploads are streamed (never held whole) into the NATS object store with
 * their SHA-256, then the job is created by the ingestion service, which re-verifies the token,
 * checks the mapping against the tenant's ontology (400 naming the path and line) and the markings
 * against the uploader's clearance (403 naming the level or compartment). A refused job's upload
 * is removed. Progress is served as JSON and as server-sent events.
 */
@ApiTags('ingestion')
@ApiBearerAuth()
@Controller('ingest')
export class IngestionController implements BeforeApplicationShutdown {
  /** Open progress streams: ended with `event: error` (SERVICE_UNAVAILABLE) when the gateway shuts down. */
  readonly streams = new SseStreams();

  constructor(
    private readonly client: ServiceClient,
    private readonly uploads: IngestUploadStore,
    @Inject(INGESTION_GATEWAY_CONFIG) private readonly config: IngestionGatewayConfig,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  @Post('jobs')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload a file (streamed) and start an ingestion job',
    description:
      'multipart/form-data with the text fields `format` (csv|json|ndjson|stix; guessed from the file name otherwise), `mapping` (YAML or JSON text; not for STIX) or `mappingId` (a stored mapping), ' +
      '`source`, `markings` (JSON {"level","compartments"}; default: the mapping\'s), `options` (JSON parse options) and one file part `file` — put the fields first. ' +
      'Or the raw file as the body (any other content type) with the same names as query parameters. Needs the role vigie-ingest. ' +
      'A file larger than the maximum upload size (INGEST_MAX_UPLOAD_SIZE, default 4gb) is refused with 413 INGESTION_FILE_TOO_LARGE and nothing of it is kept.',
  })
  @ApiConsumes('multipart/form-data', 'application/octet-stream', 'text/csv', 'application/json', 'application/x-ndjson')
  @ApiQuery({ name: 'format', required: false, enum: INGESTION_FORMATS })
  @ApiQuery({ name: 'source', required: false })
  @ApiQuery({ name: 'fileName', required: false })
  @ApiQuery({ name: 'mapping', required: false, description: 'Mapping text (raw-body uploads; prefer multipart for long mappings)' })
  @ApiQuery({ name: 'mappingId', required: false, description: 'A stored mapping (POST /api/v1/ingest/mappings)' })
  @ApiQuery({ name: 'markings', required: false, description: 'JSON {"level":"DR","compartments":["cyber"]}' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        format: { type: 'string', enum: [...INGESTION_FORMATS] },
        mapping: { type: 'string', description: 'YAML or JSON mapping' },
        mappingId: { type: 'string', format: 'uuid', description: 'A stored mapping, instead of `mapping`' },
        source: { type: 'string' },
        markings: { type: 'string', description: 'JSON {"level","compartments"}' },
        options: { type: 'string', description: 'JSON parse options (delimiter, encoding, path, maxFieldBytes…)' },
        file: { type: 'string', format: 'binary' },
      },
    },
  })
  @ApiCreatedResponse({ schema: openApi(jobSchema, 'output') })
  async create(@Req() req: Request, @Query() query: Record<string, string | undefined>, @CurrentActor() actor: Actor): Promise<JobWithProgress> {
    if (!hasRole(actor, INGEST_ROLE)) {
      throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `Uploading a file for ingestion needs the role ${INGEST_ROLE}`, { reason: 'ROLE_MISSING' });
    }
    // A declared length over the limit is refused before a byte is read (multipart: the text fields may add up to ~21 MB).
    const declared = Number(req.header('content-length') ?? NaN);
    const allowance = req.is('multipart/form-data') ? 21 * 1024 * 1024 : 0;
    if (Number.isFinite(declared) && declared > this.config.INGEST_MAX_UPLOAD_SIZE + allowance) throw tooLarge(this.config.INGEST_MAX_UPLOAD_SIZE);
    const objectName = `${actor.tenant}/${randomUUID()}`;
    const fields: Record<string, string | undefined> = { ...query };
    const metadata = (fileName: string) => ({ tenant: actor.tenant, uploadedBy: actor.subject, fileName: fileName.slice(0, 500) });
    let upload: { stored: StoredUpload; fileName: string | undefined };
    try {
      upload = req.is('multipart/form-data') ? await this.receiveMultipart(req, objectName, fields, metadata) : await this.receiveRaw(req, objectName, fields, metadata);
    } catch (error) {
      if (error instanceof VigieException) throw error;
      throw new IngestionException(IngestionExceptionCode.DependencyUnavailable, `The upload could not be stored: ${(error as Error).message}`);
    }
    const fileName = fields['fileName'] ?? upload.fileName ?? 'upload';
    try {
      const request: JobCreateRequest = {
        source: fields['source'] || fileName,
        fileName,
        objectName,
        format: formatOf(fields['format'], fileName) as JobCreateRequest['format'],
        ...(fields['mapping'] ? { mapping: fields['mapping'] } : {}),
        ...(fields['mappingId'] ? { mappingId: fields['mappingId'] } : {}),
        ...(fields['markings'] ? { markings: jsonField('markings', fields['markings']) as JobCreateRequest['markings'] } : {}),
        ...(fields['options'] ? { options: jsonField('options', fields['options']) as JobCreateRequest['options'] } : {}),
      };
      const job = await this.client.request(jobCreate, request, { timeoutMs: 30_000 });
      return { ...job, progress: jobProgress(job) };
    } catch (error) {
      await this.uploads.remove(objectName);
      throw error;
    }
  }

  private async receiveRaw(req: Request, objectName: string, fields: Record<string, string | undefined>, metadata: (f: string) => Record<string, string>) {
    const fileName = fields['fileName'] ?? 'upload';
    formatOf(fields['format'], fileName);
    const stored = await this.uploads.put(objectName, req, metadata(fileName), this.config.INGEST_MAX_UPLOAD_SIZE);
    return { stored, fileName };
  }

  private receiveMultipart(req: Request, objectName: string, fields: Record<string, string | undefined>, metadata: (f: string) => Record<string, string>) {
    return new Promise<{ stored: StoredUpload; fileName: string | undefined }>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { files: 8, fields: 20, fieldSize: 1_000_000 } });
      } catch (error) {
        reject(invalid(`Malformed multipart request: ${(error as Error).message}`));
        return;
      }
      let put: Promise<StoredUpload> | undefined;
      let fileName: string | undefined;
      bb.on('field', (name, value, info) => {
        if (info.valueTruncated) reject(invalid(`Field "${name}" is longer than 1 MB`));
        fields[name] = value;
      });
      bb.on('file', (name, stream, info) => {
        if (name !== 'file' || put) {
          // A text field sent as a file part (curl -F mapping=@m.yaml): read it, bounded.
          if (['mapping', 'mappingId', 'markings', 'options', 'source', 'format', 'fileName'].includes(name)) {
            const parts: Buffer[] = [];
            let size = 0;
            stream.on('data', (d: Buffer) => {
              size += d.length;
              if (size <= 1_000_000) parts.push(d);
            });
            stream.on('end', () => {
              if (size > 1_000_000) reject(invalid(`Field "${name}" is longer than 1 MB`));
              else fields[name] = Buffer.concat(parts).toString('utf8');
            });
          } else stream.resume();
          return;
        }
        fileName = info.filename;
        put = this.uploads.put(objectName, stream, metadata(info.filename ?? 'upload'), this.config.INGEST_MAX_UPLOAD_SIZE);
        // Too large: answer now (the rest of the body is drained and dropped by the store).
        put.catch((error: unknown) => {
          if (error instanceof IngestionException && error.code === IngestionExceptionCode.FileTooLarge) reject(error);
        });
      });
      bb.on('error', (error) => reject(invalid(`Malformed multipart request: ${(error as Error).message}`)));
      bb.on('close', () => {
        if (!put) {
          reject(invalid('The multipart request has no file part named "file"'));
          return;
        }
        put.then((stored) => resolve({ stored, fileName }), reject);
      });
      req.pipe(bb);
    });
  }

  @Get('jobs')
  @ApiOperation({ summary: "The tenant's jobs (those the caller's clearance covers), newest first" })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'source', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query('status') status?: string, @Query('source') source?: string, @Query('cursor') cursor?: string, @Query('limit') limit?: string): Promise<ResponseOf<typeof jobList>> {
    const n = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(n)) throw invalid('"limit" must be an integer');
    return this.client.request(jobList, {
      ...(status ? { status: status as JobStatus } : {}),
      ...(source ? { source } : {}),
      ...(cursor ? { cursor } : {}),
      limit: n,
    });
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A job: status, counts (read, valid, quarantined, written, merged), position, rate and ETA' })
  @ApiOkResponse({ schema: openApi(jobSchema, 'output') })
  async get(@Param('id') id: string): Promise<JobWithProgress> {
    const job = await this.client.request(jobGet, { id });
    return { ...job, progress: jobProgress(job) };
  }

  @Post('jobs/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a pending or running job (what was written stays written)' })
  cancel(@Param('id') id: string): Promise<Job> {
    return this.client.request(jobCancel, { id });
  }

  @Get('jobs/:id/events')
  @ApiOperation({
    summary: 'Progress as server-sent events',
    description:
      '`event: progress` with data `{jobId,status,counts,rate,etaSeconds,bytesRead,bytesTotal,position,at}` whenever the job moves, then `event: end` with the final job. ' +
      'Pushed as the ingestion service publishes it (about once a second); the job is read again with the caller\'s token every few seconds and at the end. ' +
      '`event: error` ends the stream (e.g. the token expired: reconnect with a fresh one; `SERVICE_UNAVAILABLE`: the gateway is shutting down, reconnect).',
  })
  @ApiProduces('text/event-stream')
  async events(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const authorization = req.header('authorization');
    const read = () => this.client.request(jobGet, { id }, { ...(authorization ? { authorization } : {}) });
    let job = await read();
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    // Pushed progress: the gateway may subscribe to ingestion.v1.events.job.progressed
    // (config/nats/permissions.json "subscribes"); without it (an older NATS configuration) it polls.
    const watch = new ProgressWatch(this.nc, id);
    let closed = false;
    req.on('close', () => {
      closed = true;
      watch.close();
    });
    const send = (event: string, data: unknown) => !res.writableEnded && res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // On shutdown: a final event (the client reconnects to another replica, or polls), then end.
    const unregister = this.streams.open(() => {
      send('error', { code: PlatformErrorCode.ServiceUnavailable, message: 'the gateway is shutting down: reconnect' });
      closed = true;
      watch.close();
      res.end();
    });
    let lastKey = '';
    let lastWrite = Date.now();
    let lastRead = Date.now();
    let prev = { read: job.counts.read, at: Date.now() };
    let rate: number | undefined;
    const emit = (payload: JobProgressedPayload) => {
      const key = JSON.stringify([payload.status, payload.counts, payload.position]);
      if (key === lastKey) return false;
      send('progress', payload);
      lastKey = key;
      lastWrite = Date.now();
      return true;
    };
    const fromJob = (now: number) => {
      if (now - prev.at >= 500 && job.status === 'running') {
        const instant = ((job.counts.read - prev.read) * 1000) / (now - prev.at);
        rate = rate === undefined ? instant : 0.5 * rate + 0.5 * instant;
        prev = { read: job.counts.read, at: now };
      }
      const progress = jobProgress(job, now, rate);
      const payload = jobProgressedPayloadSchema.parse({
        jobId: job.id,
        status: job.status,
        counts: job.counts,
        rate: progress.rate,
        etaSeconds: progress.etaSeconds,
        bytesRead: progress.bytesRead,
        bytesTotal: progress.bytesTotal,
        position: job.position,
        at: new Date(now).toISOString(),
      });
      return { payload, progress };
    };
    res.write('retry: 2000\n\n');
    try {
      while (!closed) {
        const now = Date.now();
        const { payload, progress } = fromJob(now);
        emit(payload);
        if (TERMINAL.includes(job.status)) {
          send('end', { ...job, progress });
          break;
        }
        // Wait for pushed progress; read the job again (re-checking the caller's token and
        // catching up on anything missed) every SSE_RECHECK_MS, or at once when it ends.
        for (;;) {
          const pushed = watch.active ? await watch.next(Math.max(0, lastRead + SSE_RECHECK_MS - Date.now())) : (await new Promise((r) => setTimeout(r, SSE_INTERVAL_MS)), undefined);
          if (closed) break;
          if (pushed && !TERMINAL.includes(pushed.status) && Date.now() - lastRead < SSE_RECHECK_MS) {
            emit(pushed);
            continue;
          }
          if (!pushed && Date.now() - lastWrite > SSE_KEEPALIVE_MS && !res.writableEnded) {
            res.write(': keep-alive\n\n');
            lastWrite = Date.now();
          }
          break;
        }
        if (closed) break;
        try {
          job = await read();
          lastRead = Date.now();
        } catch (error) {
          const e = error instanceof VigieException ? { code: error.code, message: error.message } : { code: PlatformErrorCode.Internal, message: 'progress unavailable' };
          send('error', e);
          break;
        }
      }
    } finally {
      unregister();
      watch.close();
    }
    if (!res.writableEnded) res.end();
  }

  beforeApplicationShutdown(): void {
    this.streams.closeAll();
  }

  @Get('jobs/:id/quarantine')
  @ApiOperation({ summary: "The job's quarantined records as a report: NDJSON (default) or CSV (index, line, offset, code, reason, raw)" })
  @ApiQuery({ name: 'format', required: false, enum: ['ndjson', 'csv'] })
  @ApiQuery({ name: 'code', required: false, description: 'Only records refused with this code' })
  @ApiProduces('application/x-ndjson', 'text/csv')
  async quarantine(@Param('id') id: string, @Query('format') format: string | undefined, @Query('code') code: string | undefined, @Res() res: Response): Promise<void> {
    const kind = format ?? 'ndjson';
    if (kind !== 'ndjson' && kind !== 'csv') throw invalid('"format" must be ndjson or csv');
    let page = await this.client.request(quarantineList, { jobId: id, limit: 500, ...(code ? { code } : {}) });
    res.status(200);
    res.setHeader('content-type', kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="quarantine-${id}.${kind}"`);
    if (kind === 'csv') res.write('index,line,offset,code,reason,raw\r\n');
    const write = (r: QuarantinedRecord) =>
      res.write(kind === 'csv' ? `${[r.index, r.line, r.offset, r.code, r.reason, r.raw].map(csvCell).join(',')}\r\n` : `${JSON.stringify(r)}\n`);
    for (;;) {
      for (const r of page.items) {
        if (!write(r)) await new Promise((resolve) => res.once('drain', resolve));
      }
      if (!page.nextCursor) break;
      page = await this.client.request(quarantineList, { jobId: id, limit: 500, cursor: page.nextCursor, ...(code ? { code } : {}) });
    }
    res.end();
  }

  @Post('mappings/validate')
  @HttpCode(200)
  @ApiOperation({ summary: "Check a mapping against the tenant's ontology; errors name the path and the line" })
  @ApiBody({ schema: openApi(mappingValidateRequestSchema, 'input') })
  validate(@Body() body: unknown): Promise<ResponseOf<typeof mappingValidate>> {
    return this.client.request(mappingValidate, (body ?? {}) as z.infer<typeof mappingValidateRequestSchema>);
  }

  @Post('mappings')
  @HttpCode(201)
  @ApiOperation({
    summary: "Save a mapping for the tenant (role vigie-ingest); refused with 400 naming the path and line when it does not fit the tenant's ontology, 409 when the name is taken",
    description: 'JSON `{name, description?, mapping, columns?}`. A stored mapping is never changed in place: save another name to change it. Jobs name it with `mappingId`.',
  })
  @ApiBody({ schema: openApi(mappingCreateRequestSchema, 'input') })
  @ApiCreatedResponse({ schema: openApi(storedMappingSchema, 'output') })
  createMapping(@Body() body: unknown): Promise<ResponseOf<typeof mappingCreate>> {
    return this.client.request(mappingCreate, (body ?? {}) as z.infer<typeof mappingCreateRequestSchema>);
  }

  @Get('mappings')
  @ApiOperation({ summary: "The tenant's stored mappings by name (without their text)" })
  @ApiQuery({ name: 'prefix', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false })
  listMappings(@Query('prefix') prefix?: string, @Query('cursor') cursor?: string, @Query('limit') limit?: string): Promise<ResponseOf<typeof mappingList>> {
    const n = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(n)) throw invalid('"limit" must be an integer');
    return this.client.request(mappingList, { ...(prefix ? { prefix } : {}), ...(cursor ? { cursor } : {}), limit: n });
  }

  @Get('mappings/:id')
  @ApiOperation({ summary: 'One stored mapping with its text' })
  @ApiOkResponse({ schema: openApi(storedMappingSchema, 'output') })
  getMapping(@Param('id') id: string): Promise<ResponseOf<typeof mappingGet>> {
    return this.client.request(mappingGet, { id });
  }

  @Get('stix-extension')
  @ApiOperation({ summary: "What the tenant's ontology lacks for STIX 2.1 bundles (empty `missing`: nothing)" })
  stixExtension(): Promise<ResponseOf<typeof stixExtensionGet>> {
    return this.client.request(stixExtensionGet, {});
  }

  @Post('stix-extension')
  @HttpCode(200)
  @ApiOperation({
    summary: "Add the STIX 2.1 extension (threat actors, malware, indicators… and the relationship link types) to the tenant's ontology (role vigie-admin); idempotent",
    description: 'Adds the missing types and the properties existing types lack; never removes or narrows anything. Without it a STIX job quarantines those objects as UNKNOWN_TYPE.',
  })
  applyStixExtension(): Promise<ResponseOf<typeof stixExtensionApply>> {
    return this.client.request(stixExtensionApply, {}, { timeoutMs: 60_000 });
  }
}
