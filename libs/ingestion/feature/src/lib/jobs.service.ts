import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  IngestionException,
  IngestionExceptionCode,
  Job,
  jobCreate,
  jobList,
  mappingValidate,
  QuarantinedRecord,
  quarantineList,
} from '@vigie/ingestion-contracts';
import { IngestionDatabase, JobRecord, JobRepository, toJobView } from '@vigie/ingestion-data-access';
import { checkStixOntology, clampMarkings } from '@vigie/ingestion-parsers';
import { OntologyDocument } from '@vigie/ontology-contracts';
import { AuditAction } from '@vigie/audit-contracts';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { Actor, hasRole } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { VigieRole } from '@vigie/shared-policy';
import { OntologyMappingService, safeCompile } from './mapping/ontology-mapping.service';
import { StoredMappingsService } from './mapping/stored-mappings.service';
import { JobSchedulerService } from './runner/job-scheduler.service';
import { digestToHex, UploadObjectStore } from './store/upload-object-store';

/** Who may create jobs (`vigie-ingest`), and who may follow them and read their quarantine (also `vigie-admin`). */
function requireRole(actor: Actor, roles: string[], what: string): void {
  if (!roles.some((r) => hasRole(actor, r))) {
    throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `${what} needs the role ${roles.join(' or ')}`, { reason: 'ROLE_MISSING' });
  }
}

const READ_ROLES = [VigieRole.Ingest, VigieRole.Admin];

function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw new IngestionException(IngestionExceptionCode.InvalidCursor, 'The cursor is not one this service handed out');
}

const isJobCursor = (v: unknown): v is { c: string; i: string } => typeof v === 'object' && v !== null && typeof (v as { c: unknown }).c === 'string' && typeof (v as { i: unknown }).i === 'string';
const isIndexCursor = (v: unknown): v is { x: number } => typeof v === 'object' && v !== null && Number.isInteger((v as { x: unknown }).x);

/**
 * Jobs for callers (their verified token): create (the upload must be the caller's tenant's, the
 * mapping must fit the tenant's ontology, the markings must not exceed the caller's clearance),
 * follow, cancel, read the quarantine. Every read is filtered by tenant and markings in SQL.
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly db: IngestionDatabase,
    private readonly repo: JobRepository,
    private readonly store: UploadObjectStore,
    private readonly mappings: OntologyMappingService,
    private readonly scheduler: JobSchedulerService,
    private readonly audit: AuditRecorder,
    private readonly storedMappings: StoredMappingsService,
  ) {}

  async create(actor: Actor, req: RequestOf<typeof jobCreate>): Promise<Job> {
    requireRole(actor, [VigieRole.Ingest], 'Creating an ingestion job');
    if (!req.objectName.startsWith(`${actor.tenant}/`)) {
      throw new IngestionException(IngestionExceptionCode.SourceNotFound, `No uploaded file ${req.objectName} in tenant ${actor.tenant}`);
    }
    if (req.requestKey !== undefined) {
      const earlier = await this.db.read((sql) => this.repo.byRequestKey(sql, actor.tenant, req.requestKey!));
      if (earlier) return this.sameRequest(actor, req, earlier);
    }
    const info = await this.store.info(req.objectName).catch((error: Error) => {
      throw new IngestionException(IngestionExceptionCode.DependencyUnavailable, `The object store could not be reached: ${error.message}`);
    });
    if (!info || (info.metadata?.['tenant'] !== undefined && info.metadata['tenant'] !== actor.tenant)) {
      throw new IngestionException(IngestionExceptionCode.SourceNotFound, `No uploaded file ${req.objectName} in tenant ${actor.tenant}`);
    }
    if (req.format === 'stix' && req.mappingId !== undefined) {
      throw new IngestionException(IngestionExceptionCode.InvalidMapping, 'A STIX bundle is mapped by the STIX mapping: give no mapping or mappingId', { errors: [] });
    }
    // A stored mapping is the tenant's (another tenant's id is not found) and is compiled again: the ontology may have moved since it was saved.
    const mappingText = req.mappingId !== undefined ? (await this.storedMappings.record(actor, req.mappingId)).text : req.mapping;
    let document: OntologyDocument | undefined;
    let mappingMarkings;
    if (req.format !== 'stix') {
      document = await this.mappings.ontology();
      mappingMarkings = this.mappings.compile(mappingText ?? '', document).markings;
    }
    const markings = clampMarkings(req.markings, { level: actor.clearance, compartments: actor.compartments }, mappingMarkings);
    const detected: Record<string, unknown> = {};
    if (req.format === 'stix') {
      const missing = checkStixOntology(await this.mappings.ontology());
      if (missing.length > 0) detected['stixOntologyMissing'] = missing;
    }
    const id = randomUUID();
    await this.audit.record({
      actor,
      action: AuditAction.IngestJobCreate,
      resources: [{ type: 'ingest-job', id }],
      details: { source: req.source, fileName: req.fileName, format: req.format, bytes: info.size, markings: { level: markings.level, compartments: markings.compartments } },
    });
    const job = await this.db.transaction((sql) =>
      this.repo.insert(sql, {
        id,
        tenant: actor.tenant,
        source: req.source,
        fileName: req.fileName,
        objectName: req.objectName,
        objectSize: info.size,
        sha256: digestToHex(info.digest),
        format: req.format,
        mapping: mappingText ?? null,
        mappingId: req.mappingId ?? null,
        markings,
        clearance: { level: actor.clearance, compartments: [...actor.compartments] },
        options: req.options ?? {},
        detected,
        createdBy: actor.subject,
        ...(actor.username ? { createdByName: actor.username } : {}),
        ...(req.requestKey !== undefined ? { requestKey: req.requestKey } : {}),
      }),
    );
    if (!job) {
      // Another create with the same key committed first (two `complete` at once): its job is the answer.
      const earlier = await this.db.read((sql) => this.repo.byRequestKey(sql, actor.tenant, req.requestKey!));
      if (!earlier) throw new IngestionException(IngestionExceptionCode.JobStateConflict, `The job of request ${req.requestKey} could not be created nor found: retry`);
      return this.sameRequest(actor, req, earlier);
    }
    this.scheduler.kick();
    return toJobView(job);
  }

  /** The job an earlier create with the same `requestKey` made, for the same caller and file only. */
  private sameRequest(actor: Actor, req: RequestOf<typeof jobCreate>, earlier: JobRecord): Job {
    if (earlier.createdBy !== actor.subject || earlier.objectName !== req.objectName) {
      throw new IngestionException(IngestionExceptionCode.JobStateConflict, `Request key ${req.requestKey} already named another job: use a new key`, { requestKey: req.requestKey });
    }
    return toJobView(earlier);
  }

  async get(actor: Actor, id: string): Promise<Job> {
    return toJobView(await this.visible(actor, id));
  }

  async list(actor: Actor, req: RequestOf<typeof jobList>): Promise<ResponseOf<typeof jobList>> {
    requireRole(actor, READ_ROLES, 'Listing ingestion jobs');
    const after = req.cursor ? decodeCursor(req.cursor, isJobCursor) : undefined;
    const rows = await this.db.read((sql) =>
      this.repo.list(sql, actor, { ...(req.status ? { status: req.status } : {}), ...(req.source ? { source: req.source } : {}), ...(after ? { after: { createdAt: after.c, id: after.i } } : {}), limit: req.limit + 1 }),
    );
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    return { items: page.map(toJobView), nextCursor: rows.length > req.limit && last ? encodeCursor({ c: last.createdAt, i: last.id }) : null };
  }

  async cancel(actor: Actor, id: string): Promise<Job> {
    requireRole(actor, [VigieRole.Ingest, VigieRole.Admin], 'Cancelling an ingestion job');
    const { job, cancelled } = await this.db.transaction((sql) => this.repo.cancel(sql, actor, id));
    if (!job) throw new IngestionException(IngestionExceptionCode.JobNotFound, `No job ${id}`);
    if (!cancelled) throw new IngestionException(IngestionExceptionCode.JobStateConflict, `Job ${id} is ${job.status}: only a pending or running job can be cancelled`);
    await this.audit.record({ actor, action: 'ingest.job.cancel', resources: [{ type: 'ingest-job', id }], details: { counts: toJobView(job).counts } });
    this.scheduler.stop(id);
    return toJobView(job);
  }

  /** Quarantined records hold source data at the job's markings: the read is audited before anything is returned (fail closed). */
  async quarantine(actor: Actor, req: RequestOf<typeof quarantineList>): Promise<{ items: QuarantinedRecord[]; nextCursor: string | null }> {
    const job = await this.visible(actor, req.jobId);
    const after = req.cursor ? decodeCursor(req.cursor, isIndexCursor).x : undefined;
    const rows = await this.db.read((sql) => this.repo.quarantine(sql, job.id, { ...(req.code ? { code: req.code } : {}), ...(after !== undefined ? { afterIndex: after } : {}), limit: req.limit + 1 }));
    const page = rows.slice(0, req.limit);
    await this.audit.record({
      actor,
      action: 'ingest.quarantine.read',
      resources: [{ type: 'ingest-job', id: job.id }],
      details: { records: page.length, ...(after !== undefined ? { after } : {}) },
    });
    const last = page[page.length - 1];
    return { items: page, nextCursor: rows.length > req.limit && last ? encodeCursor({ x: last.index }) : null };
  }

  async validateMapping(actor: Actor, req: RequestOf<typeof mappingValidate>): Promise<ResponseOf<typeof mappingValidate>> {
    const text = req.mappingId !== undefined ? (await this.storedMappings.record(actor, req.mappingId)).text : (req.mapping ?? '');
    const document = await this.mappings.ontology();
    const result = safeCompile(text, document, req.columns);
    if (!result.ok) return { ok: false, errors: result.errors.map((e) => ({ path: e.path, line: e.line, column: e.column, message: e.message })) };
    const m = result.mapping;
    return { ok: true, objects: m.objects.map((o) => ({ ...o })), links: m.links.map((l) => ({ ...l })), fields: [...m.fields], markings: m.markings };
  }

  private async visible(actor: Actor, id: string): Promise<JobRecord> {
    requireRole(actor, READ_ROLES, 'Reading an ingestion job');
    const job = await this.db.read((sql) => this.repo.visible(sql, actor, id));
    // Not found and not visible look the same: a job above the caller's clearance does not exist for them.
    if (!job) throw new IngestionException(IngestionExceptionCode.JobNotFound, `No job ${id}`);
    return job;
  }
}
