import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IngestionException, IngestionExceptionCode, mappingCreate, mappingList, StoredMapping } from '@vigie/ingestion-contracts';
import { IngestionDatabase, MappingRecord, MappingRepository } from '@vigie/ingestion-data-access';
import { AuditRecorder } from '@vigie/shared-audit-client';
import { Actor, hasRole } from '@vigie/shared-auth';
import { ErrorKind, PlatformErrorCode, PlatformException, RequestOf, ResponseOf } from '@vigie/shared-contracts';
import { VigieRole } from '@vigie/shared-policy';
import { OntologyMappingService } from './ontology-mapping.service';

function requireRole(actor: Actor, roles: string[], what: string): void {
  if (!roles.some((r) => hasRole(actor, r))) {
    throw new PlatformException(PlatformErrorCode.Forbidden, ErrorKind.Forbidden, `${what} needs the role ${roles.join(' or ')}`, { reason: 'ROLE_MISSING' });
  }
}

export function toStoredMappingView(m: MappingRecord, withText: boolean): StoredMapping {
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    markings: m.summary.markings,
    objects: m.summary.objects,
    links: m.summary.links,
    fields: m.summary.fields,
    sha256: m.sha256,
    createdBy: m.createdByName ?? m.createdBy,
    createdAt: m.createdAt,
    ...(withText ? { text: m.text } : {}),
  };
}

const READ_ROLES = [VigieRole.Ingest, VigieRole.Admin];

/**
 * Stored mappings of the caller's tenant. A mapping is compiled against the tenant's ontology
 * before it is saved (errors name the path and the line of the mapping), and again when a job
 * uses it (the ontology may have moved since).
 */
@Injectable()
export class StoredMappingsService {
  constructor(
    private readonly db: IngestionDatabase,
    private readonly repo: MappingRepository,
    private readonly mappings: OntologyMappingService,
    private readonly audit: AuditRecorder,
  ) {}

  async create(actor: Actor, req: RequestOf<typeof mappingCreate>): Promise<StoredMapping> {
    requireRole(actor, [VigieRole.Ingest], 'Saving a mapping');
    const compiled = this.mappings.compile(req.mapping, await this.mappings.ontology(), req.columns);
    const id = randomUUID();
    await this.audit.record({ actor, action: 'ingest.mapping.create', resources: [{ type: 'ingest-mapping', id }], details: { name: req.name } });
    const saved = await this.db.transaction((sql) =>
      this.repo.insert(sql, {
        id,
        tenant: actor.tenant,
        name: req.name,
        description: req.description ?? null,
        text: req.mapping,
        sha256: createHash('sha256').update(req.mapping).digest('hex'),
        summary: {
          markings: compiled.markings,
          objects: compiled.objects.map((o) => ({ alias: o.alias, type: o.type, optional: o.optional })),
          links: compiled.links.map((l) => ({ type: l.type, from: l.from, to: l.to })),
          fields: [...compiled.fields],
        },
        createdBy: actor.subject,
        ...(actor.username ? { createdByName: actor.username } : {}),
      }),
    );
    if (!saved) throw new IngestionException(IngestionExceptionCode.MappingNameTaken, `Tenant ${actor.tenant} already has a mapping named "${req.name}": choose another name`);
    return toStoredMappingView(saved, true);
  }

  async get(actor: Actor, id: string): Promise<StoredMapping> {
    requireRole(actor, READ_ROLES, 'Reading a mapping');
    return toStoredMappingView(await this.record(actor, id), true);
  }

  /** The stored mapping for a job or a validation (tenant-scoped: another tenant's id is not found). */
  async record(actor: Actor, id: string): Promise<MappingRecord> {
    const found = await this.db.read((sql) => this.repo.get(sql, actor.tenant, id));
    if (!found) throw new IngestionException(IngestionExceptionCode.MappingNotFound, `No stored mapping ${id} in tenant ${actor.tenant}`);
    return found;
  }

  async list(actor: Actor, req: RequestOf<typeof mappingList>): Promise<ResponseOf<typeof mappingList>> {
    requireRole(actor, READ_ROLES, 'Listing mappings');
    let afterName: string | undefined;
    if (req.cursor !== undefined) {
      try {
        const v: unknown = JSON.parse(Buffer.from(req.cursor, 'base64url').toString('utf8'));
        if (typeof v === 'object' && v !== null && typeof (v as { n: unknown }).n === 'string') afterName = (v as { n: string }).n;
      } catch {
        // refused below
      }
      if (afterName === undefined) throw new IngestionException(IngestionExceptionCode.InvalidCursor, 'The cursor is not one this service handed out');
    }
    const rows = await this.db.read((sql) =>
      this.repo.list(sql, actor.tenant, { ...(req.prefix ? { prefix: req.prefix } : {}), ...(afterName !== undefined ? { afterName } : {}), limit: req.limit + 1 }),
    );
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((m) => toStoredMappingView(m, false)),
      nextCursor: rows.length > req.limit && last ? Buffer.from(JSON.stringify({ n: last.name })).toString('base64url') : null,
    };
  }
}
