import { timeOrderedId } from '@vigie/shared-persistence';
import { Injectable } from '@nestjs/common';
import { Actor } from '@vigie/shared-auth';
import { AuditAction } from '@vigie/audit-contracts';
import {
  CreateObjectRequest,
  DiffResponse,
  ListObjectsRequest,
  ObjectCountResponse,
  ObjectListPage,
  ObjectType,
  ObjectView,
  OntologyDocument,
  OntologyException,
  OntologyExceptionCode,
  PropertyFilter,
  UpdateObjectRequest,
  VersionSummary,
} from '@vigie/ontology-contracts';
import {
  ObjectListQuery,
  ObjectRepository,
  ObjectRow,
  OntologyDatabase,
  OutboxRepository,
  markingOf,
  rankOf,
  Sql,
  VersionRow,
} from '@vigie/ontology-data-access';
import { assertValidProperties, changedProperties, decodeCursor, encodeCursor, findObjectType, normaliseIdentifier } from '@vigie/ontology-domain';
import { PolicyAction } from '@vigie/shared-policy';
import { recordedActor, requirePermission, requireWritableMarking } from './access';
import { OntologyEvents } from './ontology-events';
import { OntologyTypesService } from './ontology-types.service';
import { OutboxPublisher } from './outbox-publisher.service';
import { newEntries, updatedEntries } from './property-entries';
import { contentHash, diffSnapshots, normaliseMarking, objectSnapshot, toObjectView } from '../views/object-state';
import { ResolutionEngine } from '../resolution/resolution-engine';

export function notFound(id: string): OntologyException {
  return new OntologyException(OntologyExceptionCode.ObjectNotFound, `Object ${id} was not found`);
}

function typeOf(document: OntologyDocument, name: string): ObjectType | undefined {
  return document.objectTypes.find((t) => t.name === name);
}

/** Identifier filters compare canonical forms: normalise the filter value like the stored one. */
function normaliseFilters(type: ObjectType | undefined, filters: PropertyFilter[]): PropertyFilter[] {
  if (!type) return filters;
  return filters.map((f) => {
    const def = type.properties.find((p) => p.name === f.property);
    if (def?.kind !== 'identifier') return f;
    const norm = (v: string) => {
      const r = normaliseIdentifier(def.normaliser, v, { defaultCountry: def.defaultCountry });
      return r.ok ? r.value : v;
    };
    if (f.op === 'eq' || f.op === 'neq') return { ...f, value: norm(f.value) };
    if (f.op === 'in') return { ...f, value: f.value.map(norm) };
    return f;
  });
}

/** History summary for a reader: changed property names limited to those they may see (or that were removed). */
export function versionSummary(v: VersionRow): VersionSummary {
  const all = new Set(v.all_properties ?? []);
  const visible = new Set(Object.keys(v.snapshot.properties));
  return {
    version: v.version,
    change: v.change,
    at: new Date(v.at).toISOString(),
    actor: v.actor,
    ...(v.purpose ? { purpose: v.purpose } : {}),
    provenance: v.provenance,
    changedProperties: v.changed_properties.filter((name) => visible.has(name) || !all.has(name)),
  };
}

/**
 * Objects: every read goes through the markings filter inside the SQL (an object the reader may
 * not see is "not found"), every change is a new version (who, when, purpose) and an ONTOLOGY
 * event published from the outbox after commit.
 */
@Injectable()
export class ObjectsService {
  private readonly objects = new ObjectRepository();
  private readonly outbox = new OutboxRepository();

  constructor(
    private readonly db: OntologyDatabase,
    private readonly types: OntologyTypesService,
    private readonly outboxPublisher: OutboxPublisher,
    private readonly resolution: ResolutionEngine,
  ) {}

  async create(actor: Actor, req: CreateObjectRequest): Promise<ObjectView> {
    requirePermission(actor, PolicyAction.Write);
    const markings = normaliseMarking(req.markings);
    requireWritableMarking(actor, markings, 'markings');
    const { document } = await this.types.current(actor.tenant);
    const type = findObjectType(document, req.type);
    const { values } = assertValidProperties(type, req.properties, 'create');
    const properties = newEntries(actor, type, values, markings, req.propertyMarkings, req.provenance);
    const now = new Date();
    const row: ObjectRow = {
      id: timeOrderedId(),
      tenant: actor.tenant,
      type: type.name,
      source: req.provenance.source,
      source_key: null,
      version: 1,
      level_rank: rankOf(markings.level),
      compartments: markings.compartments,
      properties,
      provenance: req.provenance,
      content_hash: contentHash({ type: type.name, markings, properties }),
      entity_id: null,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    };
    await this.db.transaction(async (sql) => {
      await this.objects.insert(sql, row);
      await this.recordVersion(sql, actor, row, 'created', Object.keys(properties).sort(), type);
      await this.resolution.queue(sql, actor.tenant, [row.id]);
    });
    await this.outboxPublisher.flush();
    await this.resolution.run(actor.tenant, document, [row.id], actor);
    return this.get(actor, row.id);
  }

  async update(actor: Actor, req: UpdateObjectRequest): Promise<ObjectView> {
    requirePermission(actor, PolicyAction.Write);
    const { document } = await this.types.current(actor.tenant);
    const changed = await this.db.transaction(async (sql) => {
      const row = await this.lockedVisible(sql, actor, req.id, req.expectedVersion);
      if (row.deleted_at) throw new OntologyException(OntologyExceptionCode.AlreadyDeleted, `Object ${req.id} is deleted; restore it before changing it`);
      const type = findObjectType(document, row.type);
      const markings = normaliseMarking(req.markings ?? markingOf(row.level_rank, row.compartments));
      requireWritableMarking(actor, markings, 'markings');
      const change = assertValidProperties(type, req.set, 'update');
      const properties = updatedEntries(actor, type, row.properties, change, markings, req.propertyMarkings, req.provenance);
      const hash = contentHash({ type: type.name, markings, properties });
      if (hash === row.content_hash) return false;
      const next: ObjectRow = { ...row, version: row.version + 1, level_rank: rankOf(markings.level), compartments: markings.compartments, properties, provenance: req.provenance, content_hash: hash, updated_at: new Date() };
      if (!(await this.objects.update(sql, next, row.version))) throw conflict(req.id, req.expectedVersion);
      await this.recordVersion(sql, actor, next, 'updated', changedProperties(diffSnapshots(objectSnapshot(row), objectSnapshot(next))), type);
      await this.resolution.queue(sql, actor.tenant, [row.id]);
      return true;
    });
    if (changed) {
      await this.outboxPublisher.flush();
      await this.resolution.run(actor.tenant, document, [req.id], actor);
    }
    return this.get(actor, req.id);
  }

  async remove(actor: Actor, id: string, expectedVersion: number | undefined, reason: string | undefined): Promise<ObjectView> {
    return this.setDeleted(actor, id, expectedVersion, true, reason);
  }

  async restore(actor: Actor, id: string, expectedVersion: number | undefined, reason: string | undefined): Promise<ObjectView> {
    return this.setDeleted(actor, id, expectedVersion, false, reason);
  }

  private async setDeleted(actor: Actor, id: string, expectedVersion: number | undefined, deleted: boolean, reason: string | undefined): Promise<ObjectView> {
    requirePermission(actor, PolicyAction.Write);
    const { document } = await this.types.current(actor.tenant);
    await this.db.transaction(async (sql) => {
      const row = await this.lockedVisible(sql, actor, id, expectedVersion);
      if (deleted && row.deleted_at) throw new OntologyException(OntologyExceptionCode.AlreadyDeleted, `Object ${id} is already deleted`);
      if (!deleted && !row.deleted_at) throw new OntologyException(OntologyExceptionCode.NotDeleted, `Object ${id} is not deleted`);
      const now = new Date();
      const next: ObjectRow = { ...row, version: row.version + 1, updated_at: now, deleted_at: deleted ? now : null };
      if (!(await this.objects.update(sql, next, row.version))) throw conflict(id, expectedVersion ?? row.version);
      await this.recordVersion(sql, actor, next, deleted ? 'deleted' : 'restored', [], typeOf(document, row.type), reason);
    });
    await this.outboxPublisher.flush();
    return this.get(actor, id);
  }

  /** The object (or one of its versions) as the reader may see it; 404 when they may not see it at all. */
  async get(actor: Actor, id: string, version?: number): Promise<ObjectView> {
    requirePermission(actor, PolicyAction.Read);
    const { document } = await this.types.current(actor.tenant);
    return this.db.read(async (sql) => {
      const row = await this.objects.findVisible(sql, actor, id);
      if (!row) throw notFound(id);
      if (version === undefined || version === row.version) return toObjectView(row, typeOf(document, row.type));
      const v = await this.objects.findVersion(sql, actor, id, version);
      if (!v) throw new OntologyException(OntologyExceptionCode.VersionNotFound, `Object ${id} has no version ${version} you may see`);
      return toObjectView(
        {
          ...row,
          type: v.snapshot.type,
          version: v.version,
          level_rank: v.level_rank,
          compartments: v.compartments,
          properties: v.snapshot.properties,
          provenance: v.provenance,
          entity_id: v.snapshot.entityId ?? null,
          updated_at: v.at,
          deleted_at: v.snapshot.deletedAt ? new Date(v.snapshot.deletedAt) : null,
        },
        typeOf(document, v.snapshot.type),
      );
    });
  }

  /**
   * One page of the listing. The statement reads at most `listScanLimit(filters)` objects (bounded scan,
   * see `ObjectRepository.list`): when the filters match too rarely to fill the page within it,
   * the page is `partial` — every match among the objects read, and a `nextCursor` that continues
   * after the last object read (it may lead to an empty page: follow it until it is null).
   */
  async list(actor: Actor, req: ListObjectsRequest): Promise<ObjectListPage> {
    requirePermission(actor, PolicyAction.Read);
    const { document } = await this.types.current(actor.tenant);
    const query = this.query(document, req);
    const { rows, scanEnd } = await this.db.read((sql) => this.objects.list(sql, actor, query));
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    const next = rows.length > req.limit && last ? { key: last.cursor_key, id: last.id } : scanEnd;
    return {
      items: page.map((r) => toObjectView(r, typeOf(document, r.type))),
      nextCursor: next ? encodeCursor(next) : null,
      partial: scanEnd !== undefined,
    };
  }

  /**
   * How many objects the reader may see match (counted inside the filtered query). Exact without
   * property filters; with them a bounded scan (as a listing page): `exact: false` beyond the bound,
   * `count` then being "at least".
   */
  async countObjects(actor: Actor, req: Omit<ListObjectsRequest, 'cursor' | 'limit'>): Promise<ObjectCountResponse> {
    requirePermission(actor, PolicyAction.Read);
    const { document } = await this.types.current(actor.tenant);
    const query = this.query(document, { ...req, limit: 1 });
    // A transaction: the bounded count sets a planner option for its own statement only (SET LOCAL).
    return this.db.transaction((sql) => this.objects.count(sql, actor, query));
  }

  /** Just the number of {@link countObjects} (a lower bound when its `exact` is false; exact without property filters). */
  async count(actor: Actor, req: Omit<ListObjectsRequest, 'cursor' | 'limit'>): Promise<number> {
    return (await this.countObjects(actor, req)).count;
  }

  async history(actor: Actor, id: string, cursor: string | undefined, limit: number): Promise<{ items: VersionSummary[]; nextCursor: string | null }> {
    requirePermission(actor, PolicyAction.Read);
    const before = cursor ? Number(decodeCursor(cursor).key) : undefined;
    if (before !== undefined && !Number.isInteger(before)) throw new OntologyException(OntologyExceptionCode.InvalidCursor, 'The cursor is not one this service issued');
    return this.db.read(async (sql) => {
      if (!(await this.objects.findVisible(sql, actor, id))) throw notFound(id);
      const rows = await this.objects.history(sql, actor, id, before, limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(versionSummary), nextCursor: rows.length > limit && last ? encodeCursor({ key: last.version, id }) : null };
    });
  }

  async diff(actor: Actor, id: string, fromVersion: number, toVersion: number): Promise<DiffResponse> {
    requirePermission(actor, PolicyAction.Read);
    return this.db.read(async (sql) => {
      if (!(await this.objects.findVisible(sql, actor, id))) throw notFound(id);
      const [from, to] = await Promise.all([this.objects.findVersion(sql, actor, id, fromVersion), this.objects.findVersion(sql, actor, id, toVersion)]);
      const missing = !from ? fromVersion : !to ? toVersion : undefined;
      if (missing !== undefined || !from || !to) throw new OntologyException(OntologyExceptionCode.VersionNotFound, `Object ${id} has no version ${missing} you may see`);
      return { id, fromVersion, toVersion, changes: diffSnapshots(from.snapshot, to.snapshot) };
    });
  }

  private query(document: OntologyDocument, req: Omit<ListObjectsRequest, 'cursor'> & { cursor?: string }): ObjectListQuery {
    const type = req.type ? findObjectType(document, req.type) : undefined;
    let after: ObjectListQuery['after'];
    if (req.cursor) {
      const c = decodeCursor(req.cursor);
      if (typeof c.key !== 'string' || Number.isNaN(Date.parse(c.key))) throw new OntologyException(OntologyExceptionCode.InvalidCursor, 'The cursor is not one this service issued');
      after = { key: c.key, id: c.id };
    }
    return { type: req.type, filters: normaliseFilters(type, req.filters), includeDeleted: req.includeDeleted, updatedSince: req.updatedSince, after, limit: req.limit };
  }

  private async lockedVisible(sql: Sql, actor: Actor, id: string, expectedVersion: number | undefined): Promise<ObjectRow> {
    const row = await this.objects.findForWrite(sql, actor, id);
    if (!row) throw notFound(id);
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw conflict(id, expectedVersion, row.version);
    return row;
  }

  private async recordVersion(sql: Sql, actor: Actor, row: ObjectRow, change: 'created' | 'updated' | 'deleted' | 'restored', changed: string[], type: ObjectType | undefined, reason?: string): Promise<void> {
    await this.objects.insertVersion(sql, {
      id: row.id,
      version: row.version,
      tenant: row.tenant,
      change,
      at: row.updated_at,
      actor: recordedActor(actor),
      purpose: actor.purpose,
      provenance: row.provenance,
      levelRank: row.level_rank,
      compartments: row.compartments,
      snapshot: objectSnapshot(row),
      changedProperties: changed,
    });
    const action = { created: AuditAction.ObjectCreate, updated: AuditAction.ObjectUpdate, deleted: AuditAction.ObjectDelete, restored: 'object.restore' }[change];
    await this.outbox.add(sql, [
      OntologyEvents.objectChanged(row.tenant, actor, change, toObjectView(row, type)),
      OntologyEvents.audit(row.tenant, actor, action, [{ type: 'object', id: row.id }], { version: row.version, change, objectType: row.type, ...(reason ? { reason } : {}) }),
    ]);
  }
}

function conflict(id: string, expected: number, actual?: number): OntologyException {
  return new OntologyException(
    OntologyExceptionCode.VersionConflict,
    `Object ${id} is at version ${actual ?? 'another version'}, not ${expected}: it changed since you read it; reload and retry`,
    actual === undefined ? undefined : { expectedVersion: expected, currentVersion: actual },
  );
}
