import { Body, Controller, Delete, Get, HttpCode, Inject, OnModuleDestroy, OnModuleInit, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  IngestionException,
  IngestionExceptionCode,
  jobCreate,
  JobCreateRequest,
  jobGet,
  jobSchema,
  mappingValidate,
  uploadSessionCreateRequestSchema,
  uploadSessionSchema,
  UploadSessionView,
} from '@vigie/ingestion-contracts';
import { Actor, CurrentActor, hasRole } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException } from '@vigie/shared-contracts';
import { ServiceClient } from '@vigie/shared-messaging';
import { INGESTION_GATEWAY_CONFIG, IngestionGatewayConfig } from './ingestion-gateway.config';
import { tooLarge } from './ingestion-upload.store';
import { formatOf, INGEST_ROLE, invalid, JobWithProgress, openApi } from './ingestion.controller';
import { jobProgress } from './job-progress.util';
import { markingsBeyondClearance, requestedOffset, SessionJobParams, sessionView, UploadSessionState } from './upload-session.util';
import { SessionCaller, UploadSessionStore } from './upload-sessions.store';

function callerOf(actor: Actor): SessionCaller {
  if (!hasRole(actor, INGEST_ROLE)) {
    throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `Uploading a file for ingestion needs the role ${INGEST_ROLE}`, { reason: 'ROLE_MISSING' });
  }
  return { tenant: actor.tenant, subject: actor.subject };
}

function offsetHeaders(res: Response, state: UploadSessionState): void {
  res.setHeader('Upload-Offset', String(state.offset));
  res.setHeader('Upload-Length', String(state.size));
  res.setHeader('Upload-Expires', new Date(state.expiresAt).toUTCString());
  res.setHeader('Cache-Control', 'no-store');
}

/**
 * `/api/v1/ingest/uploads`: resumable uploads. A session is created with the file's name, size,
 * optional SHA-256 and the job's parameters (checked at once: a mapping that does not fit is refused
 * before a byte is sent); chunks follow with `PATCH` at the session's offset; `complete` creates the
 * job as `POST /ingest/jobs` would. Sessions live in NATS (any replica, any restart), are private to
 * their creator, and expire after `INGEST_UPLOAD_SESSION_TTL` without activity (parts deleted).
 */
@ApiTags('ingestion')
@ApiBearerAuth()
@Controller('ingest/uploads')
export class UploadSessionsController implements OnModuleInit, OnModuleDestroy {
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly client: ServiceClient,
    private readonly sessions: UploadSessionStore,
    @Inject(INGESTION_GATEWAY_CONFIG) private readonly config: IngestionGatewayConfig,
  ) {}

  onModuleInit(): void {
    // Every replica sweeps (idempotent); at most once a minute, more often for short TTLs.
    const every = Math.max(1000, Math.min(60_000, Math.floor(this.sessions.ttlMs / 4)));
    this.sweeper = setInterval(() => void this.sessions.sweep().catch(() => undefined), every);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start a resumable upload (role vigie-ingest)',
    description:
      'JSON `{fileName, size, sha256?, format?, source?, mapping? | mappingId?, markings?, options?}`: the job\'s parameters as for `POST /ingest/jobs`. ' +
      'The mapping is checked against the tenant\'s ontology now (400 INGESTION_INVALID_MAPPING naming the path and line), the markings (given, else the mapping\'s) against the caller\'s clearance (403). ' +
      'A size above INGEST_MAX_UPLOAD_SIZE is refused with 413. Answers the session (`offset` 0) with its `Location`.',
  })
  @ApiBody({ schema: openApi(uploadSessionCreateRequestSchema, 'input') })
  @ApiCreatedResponse({ schema: openApi(uploadSessionSchema, 'output') })
  async create(@Body() body: unknown, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<UploadSessionView> {
    const caller = callerOf(actor);
    const parsed = uploadSessionCreateRequestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      throw invalid(`Invalid upload session: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`);
    }
    const req = parsed.data;
    if (req.size > this.config.INGEST_MAX_UPLOAD_SIZE) throw tooLarge(this.config.INGEST_MAX_UPLOAD_SIZE);
    const format = formatOf(req.format, req.fileName) as JobCreateRequest['format'];
    let markings = req.markings;
    if (format !== 'stix') {
      if (req.mapping === undefined && req.mappingId === undefined) throw invalid('a mapping (mappingId or mapping) is required for csv, json and ndjson');
      const check = await this.client.request(mappingValidate, req.mapping !== undefined ? { mapping: req.mapping } : { mappingId: req.mappingId });
      if (!check.ok) {
        const first = check.errors[0];
        throw new IngestionException(
          IngestionExceptionCode.InvalidMapping,
          `The mapping does not fit the tenant's ontology${first ? `: ${first.path} (line ${first.line}): ${first.message}` : ''}`,
          { errors: check.errors },
        );
      }
      markings ??= check.markings;
    }
    const excess = markings ? markingsBeyondClearance(markings, { level: actor.clearance, compartments: actor.compartments }) : null;
    if (excess) throw excess;
    const params: SessionJobParams = {
      format,
      ...(req.source ? { source: req.source } : {}),
      ...(req.mapping !== undefined ? { mapping: req.mapping } : {}),
      ...(req.mappingId !== undefined ? { mappingId: req.mappingId } : {}),
      ...(req.markings ? { markings: req.markings } : {}),
      ...(req.options ? { options: req.options } : {}),
    };
    const state = await this.sessions.create(caller, req, params);
    res.setHeader('Location', `/api/v1/ingest/uploads/${state.id}`);
    offsetHeaders(res, state);
    return sessionView(state);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A session of yours: offset (where the next chunk starts), size, status, expiry, job once completed',
    description: 'Also in the headers Upload-Offset, Upload-Length and Upload-Expires; `HEAD` on the same path answers the headers alone.',
  })
  @ApiOkResponse({ schema: openApi(uploadSessionSchema, 'output') })
  async get(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<UploadSessionView> {
    const state = await this.sessions.get(callerOf(actor), id);
    offsetHeaders(res, state);
    return sessionView(state);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a chunk of the file at the session\'s offset (streamed)',
    description:
      'The raw bytes as the body (application/offset+octet-stream or application/octet-stream) with a Content-Length, and the offset in the Upload-Offset header (or `?offset=`). ' +
      'Kept only once received whole: a chunk cut short counts for nothing and the offset stays at the end of the last whole chunk. ' +
      'Another offset than the session\'s → 409 INGESTION_UPLOAD_OFFSET_MISMATCH with `details.expectedOffset`; past the declared size → 400 INGESTION_UPLOAD_SIZE_EXCEEDED. ' +
      'Answers the session with its new offset (also in Upload-Offset).',
  })
  @ApiHeader({ name: 'Upload-Offset', required: true, description: 'Bytes already received: the offset this chunk starts at' })
  @ApiQuery({ name: 'offset', required: false, description: 'Instead of the Upload-Offset header' })
  @ApiConsumes('application/offset+octet-stream', 'application/octet-stream')
  @ApiOkResponse({ schema: openApi(uploadSessionSchema, 'output') })
  async append(
    @Param('id') id: string,
    @Query('offset') offsetQuery: string | undefined,
    @Req() req: Request,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UploadSessionView> {
    const caller = callerOf(actor);
    if (req.is('application/json') || req.is('multipart/form-data')) throw invalid('Send a chunk as raw bytes (application/offset+octet-stream or application/octet-stream)');
    const offset = requestedOffset(req.header('upload-offset'), offsetQuery);
    const lengthHeader = req.header('content-length');
    const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const state = await this.sessions.append(caller, id, offset, length, req);
    offsetHeaders(res, state);
    return sessionView(state);
  }

  @Post(':id/complete')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Finish the upload and start its job (the same job as a one-shot upload, with the whole file\'s SHA-256)',
    description:
      'Every declared byte must have been received (else 409 naming the offset). A SHA-256 declared at creation that differs → 400 INGESTION_CHECKSUM_MISMATCH, nothing ingested, the session deleted. ' +
      'A job refused (mapping, markings above the clearance) deletes the upload, as for `POST /ingest/jobs`; the ingestion service unreachable leaves the session open for another try. ' +
      'Repeated on a completed session: 200 with its job. While another `complete` runs: 409 with `details.status` `completing` and `details.retryAfterMs`; a session left completing longer than `INGEST_UPLOAD_COMPLETE_LEASE` (its gateway died) is taken over, and answers the job the first `complete` may already have created, never a second one.',
  })
  @ApiCreatedResponse({ schema: openApi(jobSchema, 'output') })
  async complete(@Param('id') id: string, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response): Promise<JobWithProgress> {
    const caller = callerOf(actor);
    const { state, job } = await this.sessions.complete(caller, id, (s) => {
      const request: JobCreateRequest = {
        source: s.params.source || s.fileName,
        fileName: s.fileName,
        objectName: s.objectName,
        format: s.params.format,
        ...(s.params.mapping !== undefined ? { mapping: s.params.mapping } : {}),
        ...(s.params.mappingId !== undefined ? { mappingId: s.params.mappingId } : {}),
        ...(s.params.markings ? { markings: s.params.markings } : {}),
        ...(s.params.options ? { options: s.params.options } : {}),
        // One job per session, however many times `complete` runs (retried, or taken over after a gateway died in it).
        requestKey: `upload-session:${s.id}`,
      };
      return this.client.request(jobCreate, request, { timeoutMs: 30_000 });
    });
    offsetHeaders(res, state);
    if (job) return { ...job, progress: jobProgress(job) };
    if (!state.jobId) throw new IngestionException(IngestionExceptionCode.UploadSessionStateConflict, `Upload session ${id} is completed without a job recorded`);
    res.status(200);
    const existing = await this.client.request(jobGet, { id: state.jobId });
    return { ...existing, progress: jobProgress(existing) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Cancel an open session: its chunks are deleted' })
  @ApiNoContentResponse()
  async cancel(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.sessions.cancel(callerOf(actor), id);
  }
}
