import { timeOrderedId } from '@vigie/shared-persistence';
import { Injectable } from '@nestjs/common';
import { Actor } from '@vigie/shared-auth';
import { AuditAction } from '@vigie/audit-contracts';
import {
  CreateLinkRequest,
  DiffResponse,
  LinkType,
  LinkCountResponse,
  LinkListPage,
  LinkView,
  ListLinksRequest,
  OntologyException,
  OntologyExceptionCode,
  UpdateLinkRequest,
  VersionSummary,
} from '@vigie/ontology-contracts';
import { LinkListQuery, LinkRepository, LinkRow, markingOf, ObjectRepository, OntologyDatabase, OutboxRepository, rankOf, Sql } from '@vigie/ontology-data-access';
import { assertLinkEnds, assertValidity, assertValidProperties, changedProperties, decodeCursor, encodeCursor, findLinkType } from '@vigie/ontology-domain';
import { PolicyAction } from '@vigie/shared-policy';
import { recordedActor, requirePermission, requireWritableMarking } from './access';
import { versionSummary } from './objects.service';
import { OntologyEvents } from './ontology-events';
import { OntologyTypesService } from './ontology-types.service';
import { OutboxPublisher } from './outbox-publisher.service';
import { newEntries, updatedEntries } from './property-entries';
import { contentHash, diffSnapshots, linkSnapshot, normaliseMarking, toLinkView } from '../views/object-state';

function notFound(id: string): OntologyException {
  return new OntologyException(OntologyExceptionCode.LinkNotFound, `Link ${id} was not found`);
}

function conflict(id: string, expected: number, actual?: number): OntologyException {
  return new OntologyException(OntologyExceptionCode.VersionConflict, `Link ${id} is at version ${actual ?? 'another version'}, not ${expected}; reload and retry`, actual === undefined ? undefined : { expectedVersion: expected, currentVersion: actual });
}

/** Part of the content hash of a link beyond properties and markings. */
function linkExtra(row: Pick<LinkRow, 'from_id' | 'to_id' | 'valid_from' | 'valid_to'>): Record<string, unknown> {
  return { f: row.from_id, t: row.to_id, vf: row.valid_from, vt: row.valid_to };
}

/**
 * Links: visible only when the link and BOTH its ends are visible (checked in the SQL); ends are
 * checked against the link type; validity intervals where the type carries them.
 */
@Injectable()
export class LinksService {
  private readonly links = new LinkRepository();
  private readonly objects = new ObjectRepository();
  private readonly outbox = new OutboxRepository();

  constructor(
    private readonly db: OntologyDatabase,
    private readonly types: OntologyTypesService,
    private readonly outboxPublisher: OutboxPublisher,
  ) {}

  async create(actor: Actor, req: CreateLinkRequest): Promise<LinkView> {
    requirePermission(actor, PolicyAction.Write);
    const markings = normaliseMarking(req.markings);
    requireWritableMarking(actor, markings, 'markings');
    const { document } = await this.types.current(actor.tenant);
    const type = findLinkType(document, req.type);
    assertValidity(type, req.validFrom, req.validTo);
    const { values } = assertValidProperties(type, req.properties, 'create');
    const properties = newEntries(actor, type, values, markings, req.propertyMarkings, req.provenance);
    const id = timeOrderedId();
    await this.db.transaction(async (sql) => {
      const [from, to] = await Promise.all([this.objects.findVisible(sql, actor, req.fromId), this.objects.findVisible(sql, actor, req.toId)]);
      for (const [end, row, oid] of [['fromId', from, req.fromId], ['toId', to, req.toId]] as const) {
        if (!row || row.deleted_at) throw new OntologyException(OntologyExceptionCode.LinkEndpointNotFound, `${end}: object ${oid} was not found`);
      }
      assertLinkEnds(type, from!.type, to!.type);
      const now = new Date();
      const row: LinkRow = {
        id,
        tenant: actor.tenant,
        type: type.name,
        source: req.provenance.source,
        source_key: null,
        from_id: req.fromId,
        to_id: req.toId,
        directed: type.directed,
        version: 1,
        level_rank: rankOf(markings.level),
        compartments: markings.compartments,
        properties,
        provenance: req.provenance,
        valid_from: req.validFrom ?? null,
        valid_to: req.validTo ?? null,
        content_hash: '',
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      row.content_hash = contentHash({ type: type.name, markings, properties, extra: linkExtra(row) });
      await this.links.insert(sql, row);
      await this.recordVersion(sql, actor, row, 'created', Object.keys(properties).sort());
    });
    await this.outboxPublisher.flush();
    return this.get(actor, id);
  }

  async update(actor: Actor, req: UpdateLinkRequest): Promise<LinkView> {
    requirePermission(actor, PolicyAction.Write);
    const { document } = await this.types.current(actor.tenant);
    const changed = await this.db.transaction(async (sql) => {
      const row = await this.locked(sql, actor, req.id, req.expectedVersion);
      if (row.deleted_at) throw new OntologyException(OntologyExceptionCode.AlreadyDeleted, `Link ${req.id} is deleted; restore it before changing it`);
      const type: LinkType = findLinkType(document, row.type);
      const markings = normaliseMarking(req.markings ?? markingOf(row.level_rank, row.compartments));
      requireWritableMarking(actor, markings, 'markings');
      const validFrom = req.validFrom === undefined ? row.valid_from : req.validFrom;
      const validTo = req.validTo === undefined ? row.valid_to : req.validTo;
      assertValidity(type, validFrom, validTo);
      const change = assertValidProperties(type, req.set, 'update');
      const properties = updatedEntries(actor, type, row.properties, change, markings, req.propertyMarkings, req.provenance);
      const next: LinkRow = { ...row, version: row.version + 1, level_rank: rankOf(markings.level), compartments: markings.compartments, properties, provenance: req.provenance, valid_from: validFrom, valid_to: validTo, updated_at: new Date() };
      next.content_hash = contentHash({ type: type.name, markings, properties, extra: linkExtra(next) });
      if (next.content_hash === row.content_hash) return false;
      if (!(await this.links.update(sql, next, row.version))) throw conflict(req.id, req.expectedVersion);
      await this.recordVersion(sql, actor, next, 'updated', changedProperties(diffSnapshots(linkSnapshot(row), linkSnapshot(next), true)));
      return true;
    });
    if (changed) await this.outboxPublisher.flush();
    return this.get(actor, req.id);
  }

  async setDeleted(actor: Actor, id: string, expectedVersion: number | undefined, deleted: boolean, reason: string | undefined): Promise<LinkView> {
    requirePermission(actor, PolicyAction.Write);
    await this.db.transaction(async (sql) => {
      const row = await this.locked(sql, actor, id, expectedVersion);
      if (deleted && row.deleted_at) throw new OntologyException(OntologyExceptionCode.AlreadyDeleted, `Link ${id} is already deleted`);
      if (!deleted && !row.deleted_at) throw new OntologyException(OntologyExceptionCode.NotDeleted, `Link ${id} is not deleted`);
      const now = new Date();
      const next: LinkRow = { ...row, version: row.version + 1, updated_at: now, deleted_at: deleted ? now : null };
      if (!(await this.links.update(sql, next, row.version))) throw conflict(id, expectedVersion ?? row.version);
      await this.recordVersion(sql, actor, next, deleted ? 'deleted' : 'restored', [], reason);
    });
    await this.outboxPublisher.flush();
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string, version?: number): Promise<LinkView> {
    requirePermission(actor, PolicyAction.Read);
    return this.db.read(async (sql) => {
      const row = await this.links.findVisible(sql, actor, id);
      if (!row) throw notFound(id);
      if (version === undefined || version === row.version) return toLinkView(row);
      const v = await this.links.findVersion(sql, actor, id, version);
      if (!v) throw new OntologyException(OntologyExceptionCode.VersionNotFound, `Link ${id} has no version ${version} you may see`);
      return toLinkView({
        ...row,
        version: v.version,
        level_rank: v.level_rank,
        compartments: v.compartments,
        properties: v.snapshot.properties,
        provenance: v.provenance,
        valid_from: v.snapshot.validFrom ?? null,
        valid_to: v.snapshot.validTo ?? null,
        updated_at: v.at,
        deleted_at: v.snapshot.deletedAt ? new Date(v.snapshot.deletedAt) : null,
      });
    });
  }

  /**
   * One page of the listing, read by a bounded scan (`LinkRepository.list`): when `validAt` and the
   * property filters match too rarely to fill the page within it, the page is `partial` and
   * `nextCursor` continues after the last link read (it may lead to an empty page: follow it until null).
   */
  async list(actor: Actor, req: ListLinksRequest): Promise<LinkListPage> {
    requirePermission(actor, PolicyAction.Read);
    const { rows, scanEnd } = await this.db.read((sql) => this.links.list(sql, actor, this.query(req)));
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    const next = rows.length > req.limit && last ? { key: last.cursor_key, id: last.id } : scanEnd;
    return { items: page.map(toLinkView), nextCursor: next ? encodeCursor(next) : null, partial: scanEnd !== undefined };
  }

  /** How many links the reader may see match: exact without `validAt` or property filters, else bounded (`exact: false`: "at least"). */
  async countLinks(actor: Actor, req: Omit<ListLinksRequest, 'cursor' | 'limit'>): Promise<LinkCountResponse> {
    requirePermission(actor, PolicyAction.Read);
    // A transaction: the bounded count sets a planner option for its own statement only (SET LOCAL).
    return this.db.transaction((sql) => this.links.count(sql, actor, this.query({ ...req, limit: 1 })));
  }

  /** Just the number of {@link countLinks} (a lower bound when its `exact` is false; exact without `validAt` or property filters). */
  async count(actor: Actor, req: Omit<ListLinksRequest, 'cursor' | 'limit'>): Promise<number> {
    return (await this.countLinks(actor, req)).count;
  }

  async history(actor: Actor, id: string, cursor: string | undefined, limit: number): Promise<{ items: VersionSummary[]; nextCursor: string | null }> {
    requirePermission(actor, PolicyAction.Read);
    const before = cursor ? Number(decodeCursor(cursor).key) : undefined;
    if (before !== undefined && !Number.isInteger(before)) throw new OntologyException(OntologyExceptionCode.InvalidCursor, 'The cursor is not one this service issued');
    return this.db.read(async (sql) => {
      if (!(await this.links.findVisible(sql, actor, id))) throw notFound(id);
      const rows = await this.links.history(sql, actor, id, before, limit);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(versionSummary), nextCursor: rows.length > limit && last ? encodeCursor({ key: last.version, id }) : null };
    });
  }

  async diff(actor: Actor, id: string, fromVersion: number, toVersion: number): Promise<DiffResponse> {
    requirePermission(actor, PolicyAction.Read);
    return this.db.read(async (sql) => {
      if (!(await this.links.findVisible(sql, actor, id))) throw notFound(id);
      const [from, to] = await Promise.all([this.links.findVersion(sql, actor, id, fromVersion), this.links.findVersion(sql, actor, id, toVersion)]);
      if (!from || !to) throw new OntologyException(OntologyExceptionCode.VersionNotFound, `Link ${id} has no version ${!from ? fromVersion : toVersion} you may see`);
      return { id, fromVersion, toVersion, changes: diffSnapshots(from.snapshot, to.snapshot, true) };
    });
  }

  private query(req: Omit<ListLinksRequest, 'cursor'> & { cursor?: string }): LinkListQuery {
    let after: LinkListQuery['after'];
    if (req.cursor) {
      const c = decodeCursor(req.cursor);
      if (typeof c.key !== 'string' || Number.isNaN(Date.parse(c.key))) throw new OntologyException(OntologyExceptionCode.InvalidCursor, 'The cursor is not one this service issued');
      after = { key: c.key, id: c.id };
    }
    return { type: req.type, objectId: req.objectId, direction: req.direction, filters: req.filters, validAt: req.validAt, includeDeleted: req.includeDeleted, after, limit: req.limit };
  }

  private async locked(sql: Sql, actor: Actor, id: string, expectedVersion: number | undefined): Promise<LinkRow> {
    const row = await this.links.findForWrite(sql, actor, id);
    if (!row) throw notFound(id);
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw conflict(id, expectedVersion, row.version);
    return row;
  }

  private async recordVersion(sql: Sql, actor: Actor, row: LinkRow, change: 'created' | 'updated' | 'deleted' | 'restored', changed: string[], reason?: string): Promise<void> {
    await this.links.insertVersion(sql, {
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
      snapshot: linkSnapshot(row),
      changedProperties: changed,
    });
    const action = { created: AuditAction.LinkCreate, updated: AuditAction.LinkUpdate, deleted: AuditAction.LinkDelete, restored: 'link.restore' }[change];
    await this.outbox.add(sql, [
      OntologyEvents.linkChanged(row.tenant, actor, change, toLinkView(row)),
      OntologyEvents.audit(row.tenant, actor, action, [{ type: 'link', id: row.id }], { version: row.version, change, linkType: row.type, ...(reason ? { reason } : {}) }),
    ]);
  }
}
