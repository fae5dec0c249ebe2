import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Actor } from '@vigie/shared-auth';
import { AuditAction } from '@vigie/audit-contracts';
import { IdentifierNormaliser, MergeView, ObjectType, OntologyDocument, PropertyEntry, PropertyValue, ResolutionReason } from '@vigie/ontology-contracts';
import {
  MergeRequest,
  MergeRow,
  ObjectRow,
  OntologyDatabase,
  OutboxMessage,
  OutboxRepository,
  pairKey,
  ResolutionKeyRow,
  ResolutionObjectRow,
  ResolutionRepository,
  Sql,
} from '@vigie/ontology-data-access';
import { blockingKeys, DEFAULT_THRESHOLDS, identityKey, PreparedRecord, prepareRecord, resolvePrepared, ResolutionRecord, ResolutionThresholds, toResolutionRecord } from '@vigie/ontology-domain';
import { recordedActor } from '../services/access';
import { OntologyEvents } from '../services/ontology-events';
import { OntologyTypesService } from '../services/ontology-types.service';
import { OutboxPublisher } from '../services/outbox-publisher.service';
import { CachedRecord, ResolutionRecordCache } from './resolution-record.cache';

/** Most review pairs one written record may add to the queue in one run (best scores first): a common name must not flood the queue. */
const MAX_REVIEWS_PER_RECORD = 5;

/** Most stored records one blocking key may bring in as candidates (keeps a very common name bounded). */
const CANDIDATES_PER_KEY = 25;

export interface ResolutionOutcome {
  merged: number;
  queuedForReview: number;
  entityIds: string[];
  /** Outbox messages the resolution added (its merge and audit events), to publish after commit. */
  outboxIds?: string[];
}

export function toMergeView(row: MergeRow): MergeView {
  return {
    id: row.id,
    entityId: row.entity_id,
    memberIds: row.member_ids,
    score: Math.min(1, Math.max(0, row.score)),
    reasons: row.reasons,
    decidedBy: row.decided_by,
    createdAt: new Date(row.created_at).toISOString(),
    undoneAt: row.undone_at ? new Date(row.undone_at).toISOString() : null,
    undoneBy: row.undone_by,
  };
}

interface Candidate {
  id: string;
  entityId: string | null;
  type: ObjectType;
  record: ResolutionRecord;
  /** Where the record's prepared form is kept (computed on first use). */
  cached: CachedRecord;
}

/** A row resolution reads: an object without its properties, or with them (the ingest's rows). */
type ReadRow = ResolutionObjectRow & { properties?: Record<string, PropertyEntry>; version?: number };

/** The properties of a type resolution reads (names, birth date, place, gender, identity keys). */
function resolutionProperties(type: ObjectType): string[] {
  const profile = type.resolution;
  const names = profile && profile.profile !== 'none' ? [...profile.nameProperties] : [];
  for (const p of [profile?.birthDateProperty, profile?.placeProperty, profile?.genderProperty]) if (p) names.push(p);
  for (const key of type.identityKeys) names.push(key.property);
  return names;
}

const valuesOf = (properties: Record<string, PropertyEntry>): Record<string, PropertyValue> => {
  const values: Record<string, PropertyValue> = {};
  for (const k in properties) values[k] = properties[k].value;
  return values;
};

/** The prepared form of a candidate's record, computed once per stored state of the record. */
const preparedOf = (c: Candidate): PreparedRecord => (c.cached.prepared ??= prepareRecord(c.record));

class Components {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let r = x;
    while (this.parent.has(r) && this.parent.get(r) !== r) r = this.parent.get(r) as string;
    this.parent.set(x, r);
    return r;
  }
  union(a: string, b: string): void {
    this.parent.set(this.find(a), this.find(b));
  }
  groups(ids: Iterable<string>): string[][] {
    const out = new Map<string, string[]>();
    for (const id of ids) {
      const root = this.find(id);
      const group = out.get(root);
      if (group) group.push(id);
      else out.set(root, [id]);
    }
    return [...out.values()].filter((g) => g.length > 1);
  }
}

/** Which passes a resolution runs: deterministic identity keys, fuzzy matching, or both. */
export interface ResolutionPasses {
  deterministic: boolean;
  fuzzy: boolean;
}

const ALL_PASSES: ResolutionPasses = { deterministic: true, fuzzy: true };
const FUZZY_ONLY: ResolutionPasses = { deterministic: false, fuzzy: true };
const DETERMINISTIC_ONLY: ResolutionPasses = { deterministic: true, fuzzy: false };

/** How often the background resolver looks for queued records, and how many it resolves per run. */
export const BACKGROUND_RESOLVER = { intervalMs: 1000, chunk: 1000 } as const;

/**
 * Entity resolution, on the changed records only (never the whole tenant), in two places (ADR 0013):
 *  1. deterministic keys — records sharing a normalised STRONG identifier (passport, national ID…)
 *     are the same entity (score 1, reason named). Runs INSIDE the ingest write transaction,
 *     set-based (one key replacement, one match query per batch): `resolveWrittenIn`;
 *  2. fuzzy matching — candidates are the stored records sharing a blocking key with a changed
 *     record (bounded per key), scored with `@vigie/ontology-domain`'s resolver: above the merge
 *     threshold → merged, in the middle band → review queue. Runs OFF the ingest hot path: written
 *     records are queued in `resolution_pending` (same transaction) and the background resolver of
 *     this service (`drain`, every second) resolves them in bulk, as the service itself.
 * Pairs an analyst rejected or a merge that was undone are never merged automatically again.
 * Every merge is an `entity.merged` event and an `entity.merge` audit event.
 */
/** The actor of resolution the service does on its own (the background resolver). */
export const RESOLUTION_SERVICE_ACTOR: Actor = { tenant: '', subject: 'vigie-ontology', username: 'vigie-ontology', roles: [], clearance: 'TS', compartments: [], kind: 'service', expiresAt: 0 };

@Injectable()
export class ResolutionEngine implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ontology-resolution');
  private readonly resolution = new ResolutionRepository();
  private readonly outbox = new OutboxRepository();
  /** Resolution records of objects read lately, by object id and content hash: a stored record is a candidate of many new ones. */
  private readonly records = new ResolutionRecordCache();
  private timer?: NodeJS.Timeout;
  private draining?: Promise<number>;
  thresholds: ResolutionThresholds = DEFAULT_THRESHOLDS;

  constructor(
    private readonly db: OntologyDatabase,
    private readonly outboxPublisher: OutboxPublisher,
    private readonly types: OntologyTypesService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.draining) return;
      this.draining = this.drain()
        .catch((error: unknown) => {
          this.logger.warn(`background resolution failed (records stay queued): ${(error as Error).message}`);
          return 0;
        })
        .finally(() => (this.draining = undefined));
    }, BACKGROUND_RESOLVER.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  /**
   * The background resolver: resolves every queued record (fuzzy pass), oldest first, in chunks,
   * until the queue is empty. Returns how many records it resolved.
   */
  async drain(chunk: number = BACKGROUND_RESOLVER.chunk, onlyTenant?: string): Promise<number> {
    let total = 0;
    for (;;) {
      const { taken } = await this.resolveQueued(0, chunk, onlyTenant, FUZZY_ONLY);
      total += taken;
      if (taken < chunk) return total;
    }
  }

  /**
   * Resolves records queued for longer than `olderThanMs` (both passes: a record queued by an edit
   * or left by an interrupted run), as the service itself. Returns what it did.
   */
  async sweep(olderThanMs = 60_000, limit = 2000, onlyTenant?: string): Promise<ResolutionOutcome> {
    const { outcome } = await this.resolveQueued(olderThanMs, limit, onlyTenant, ALL_PASSES);
    return outcome;
  }

  private async resolveQueued(olderThanMs: number, limit: number, onlyTenant: string | undefined, passes: ResolutionPasses): Promise<{ taken: number; outcome: ResolutionOutcome }> {
    const stale = await this.db.read((sql) => this.resolution.stalePending(sql, olderThanMs, limit, onlyTenant));
    const total: ResolutionOutcome = { merged: 0, queuedForReview: 0, entityIds: [] };
    let taken = 0;
    for (const { tenant, objectIds } of stale) {
      const { document } = await this.types.current(tenant);
      const run = await this.resolvePending(tenant, document, objectIds, { ...RESOLUTION_SERVICE_ACTOR, tenant }, passes);
      taken += run.taken;
      const outcome = run.outcome;
      total.merged += outcome.merged;
      total.queuedForReview += outcome.queuedForReview;
      total.entityIds.push(...outcome.entityIds);
    }
    return { taken, outcome: total };
  }

  /**
   * Resolves those of `objectIds` that are queued for resolution (`queue`, in the transaction of
   * their change); unchanged records are not resolved again. A failed run leaves them queued, so
   * the background resolver retries them.
   */
  async run(tenant: string, document: OntologyDocument, objectIds: string[], actor: Actor, passes: ResolutionPasses = ALL_PASSES): Promise<ResolutionOutcome> {
    return (await this.resolvePending(tenant, document, objectIds, actor, passes)).outcome;
  }

  /** `run`, also saying how many queued records it took (0 when another resolver holds them). */
  private async resolvePending(tenant: string, document: OntologyDocument, objectIds: string[], actor: Actor, passes: ResolutionPasses): Promise<{ taken: number; outcome: ResolutionOutcome }> {
    const none: ResolutionOutcome = { merged: 0, queuedForReview: 0, entityIds: [] };
    if (!objectIds.length) return { taken: 0, outcome: none };
    const result = await this.db.transaction(async (sql) => {
      const pending = await this.resolution.takePending(sql, tenant, objectIds);
      // The records' properties are read only for those not prepared already (`candidatesOf`).
      return { taken: pending.length, outcome: pending.length ? await this.resolveIn(sql, tenant, document, await this.resolution.objectRows(sql, tenant, pending), actor, passes) : none };
    });
    if (result.taken) await this.outboxPublisher.publish(result.outcome.outboxIds ?? []);
    const { merged, queuedForReview, entityIds } = result.outcome;
    return { taken: result.taken, outcome: { merged, queuedForReview, entityIds } };
  }

  /**
   * The ingest hot path's share of resolution, inside the write transaction: the deterministic pass
   * on the rows just written (no re-read), then the rows are queued for the background fuzzy pass.
   * The caller flushes the outbox.
   */
  async resolveWrittenIn(sql: Sql, tenant: string, document: OntologyDocument, rows: ObjectRow[], actor: Actor, sink?: OutboxMessage[]): Promise<ResolutionOutcome> {
    if (!rows.length) return { merged: 0, queuedForReview: 0, entityIds: [] };
    const outcome = await this.resolveIn(sql, tenant, document, rows, actor, DETERMINISTIC_ONLY, true, sink);
    // Only records the fuzzy pass has something to do with (their type has a resolution profile).
    const fuzzy = new Set(document.objectTypes.filter((t) => t.resolution && t.resolution.profile !== 'none').map((t) => t.name));
    await this.resolution.queuePending(sql, tenant, rows.filter((r) => fuzzy.has(r.type)).map((r) => r.id));
    return outcome;
  }

  /** Queues written records for resolution, inside the transaction that wrote them. */
  queue(sql: Sql, tenant: string, objectIds: string[]): Promise<void> {
    return this.resolution.queuePending(sql, tenant, objectIds);
  }

  /** Merges inside the caller's transaction and queues the events; the caller flushes the outbox. */
  async mergeIn(sql: Sql, actor: Actor, req: MergeRequest): Promise<MergeRow | undefined> {
    const row = await this.resolution.merge(sql, req);
    if (!row) return undefined;
    const view = toMergeView(row);
    await this.outbox.add(sql, [
      OntologyEvents.entityMerged(req.tenant, actor, view),
      OntologyEvents.audit(req.tenant, actor, AuditAction.EntityMerge, [{ type: 'entity', id: row.entity_id }, ...row.member_ids.map((id) => ({ type: 'object', id }))], {
        mergeId: row.id,
        score: row.score,
        decidedBy: row.decided_by,
        reasons: row.reasons,
      }),
    ]);
    return row;
  }

  /** `mergeIn` for many groups: set-based merges, their events and audit events in one outbox insert. */
  /** With `sink`, the events are appended to it (the caller puts them in its outbox row) instead of inserted. */
  async mergeManyIn(sql: Sql, actor: Actor, tenant: string, reqs: MergeRequest[], sink?: OutboxMessage[]): Promise<{ rows: (MergeRow | undefined)[]; outboxIds: string[] }> {
    const rows = await this.resolution.mergeMany(sql, tenant, reqs);
    const events = rows.flatMap((row, i) => {
      if (!row) return [];
      return [
        OntologyEvents.entityMerged(tenant, actor, toMergeView(row)),
        OntologyEvents.audit(tenant, actor, AuditAction.EntityMerge, [{ type: 'entity', id: row.entity_id }, ...row.member_ids.map((id) => ({ type: 'object', id }))], {
          mergeId: row.id,
          score: row.score,
          decidedBy: reqs[i].decidedBy,
          reasons: row.reasons,
        }),
      ];
    });
    if (sink) {
      sink.push(...events);
      return { rows, outboxIds: [] };
    }
    return { rows, outboxIds: await this.outbox.add(sql, events) };
  }

  /**
   * The resolution records of these rows (deleted ones and types without resolution left out), in
   * their order. A record whose stored state (content hash) was read before comes from the cache;
   * the others from the rows' properties, or — for rows read without them — from one query that
   * reads only the properties resolution uses.
   */
  private async candidatesOf(sql: Sql, tenant: string, document: OntologyDocument, rows: ReadRow[]): Promise<Candidate[]> {
    const types = new Map(document.objectTypes.map((t) => [t.name, t] as const));
    const slots: (Candidate | undefined)[] = new Array(rows.length);
    const missing: { index: number; row: ReadRow; type: ObjectType }[] = [];
    const candidate = (row: ReadRow, type: ObjectType, cached: CachedRecord | undefined): Candidate | undefined =>
      cached?.record ? { id: row.id, entityId: row.entity_id, type, record: cached.record, cached } : undefined;
    rows.forEach((row, index) => {
      if (row.deleted_at) return;
      const type = types.get(row.type);
      if (!type || (!type.resolution && type.identityKeys.length === 0)) return;
      const cached = this.records.get(row.id, row.content_hash, type);
      if (cached) slots[index] = candidate(row, type, cached);
      else if (row.properties) slots[index] = candidate(row, type, this.records.set(row.id, row.content_hash, type, toResolutionRecord(type, row.id, valuesOf(row.properties))));
      else missing.push({ index, row, type });
    });
    if (missing.length) {
      const wanted = [...new Set(missing.flatMap((m) => resolutionProperties(m.type)))];
      const read = new Map((await this.resolution.propertiesOf(sql, tenant, missing.map((m) => m.row.id), wanted)).map((p) => [p.id, p] as const));
      for (const { index, row, type } of missing) {
        const found = read.get(row.id);
        if (!found) continue;
        // Cached under the hash of the state the properties were read from.
        slots[index] = candidate(row, type, this.records.set(row.id, found.content_hash, type, toResolutionRecord(type, row.id, valuesOf(found.properties))));
      }
    }
    return slots.filter((c): c is Candidate => c !== undefined);
  }

  /** `justWritten`: the rows come from the ingest upsert, so a version-1 row was inserted now and has no keys to replace yet. */
  private async resolveIn(
    sql: Sql,
    tenant: string,
    document: OntologyDocument,
    rows: ReadRow[],
    actor: Actor,
    passes: ResolutionPasses,
    justWritten = false,
    sink?: OutboxMessage[],
  ): Promise<ResolutionOutcome> {
    const objectIds = rows.map((r) => r.id);
    const written = await this.candidatesOf(sql, tenant, document, rows);
    const writtenIds = new Set(written.map((c) => c.id));
    const identity: ResolutionKeyRow[] = [];
    const blocking: ResolutionKeyRow[] = [];
    for (const c of written) {
      for (const id of passes.deterministic ? (c.record.identifiers ?? []) : []) {
        if (id.strength === 'strong') identity.push({ objectId: c.id, objectType: c.type.name, key: identityKey(id.kind as IdentifierNormaliser, id.value) });
      }
      if (passes.fuzzy && c.type.resolution && c.type.resolution.profile !== 'none') {
        for (const key of blockingKeys(preparedOf(c))) blocking.push({ objectId: c.id, objectType: c.type.name, key });
      }
    }
    if (passes.deterministic) {
      await this.resolution.replaceKeys(sql, 'identity_key', tenant, justWritten ? rows.filter((r) => r.version === undefined || r.version > 1).map((r) => r.id) : objectIds, identity);
    }
    if (passes.fuzzy) await this.resolution.replaceKeys(sql, 'blocking_key', tenant, objectIds, blocking);

    const entityOf = new Map<string, string | null>(written.map((c) => [c.id, c.entityId]));
    const ids = [...writtenIds];
    const matches = passes.deterministic ? await this.resolution.identityMatches(sql, tenant, ids) : [];
    // Candidates come with their row but not their properties: those are read only for records not prepared yet.
    const candidateRows = passes.fuzzy ? (await this.resolution.blockingCandidateRows(sql, tenant, ids, CANDIDATES_PER_KEY)).filter((r) => !writtenIds.has(r.id)) : [];
    const inCandidates = new Set(candidateRows.map((r) => r.id));
    const matchIds = [...new Set(matches.map((m) => m.b))].filter((id) => !writtenIds.has(id) && !inCandidates.has(id));
    const otherRows: ReadRow[] = [...candidateRows, ...(await this.resolution.objectRows(sql, tenant, matchIds))];
    const others = await this.candidatesOf(sql, tenant, document, otherRows);
    for (const o of others) entityOf.set(o.id, o.entityId);
    const blocked = await this.resolution.blockedPairs(sql, tenant, [...entityOf.keys()]);
    const byId = new Map([...written, ...others].map((c) => [c.id, c] as const));

    let merged = 0;
    const outboxIds: string[] = [];
    const entityIds = new Set<string>();
    const reviews: { objectType: string; leftId: string; rightId: string; score: number; reasons: ResolutionReason[] }[] = [];
    const applyAll = async (groups: { objectType: string; memberIds: string[]; score: number; reasons: ResolutionReason[] }[]) => {
      if (!groups.length) return;
      const { rows, outboxIds: added } = await this.mergeManyIn(
        sql,
        actor,
        tenant,
        groups.map((g) => ({ tenant, ...g, decidedBy: 'auto', actor: recordedActor(actor) })),
        sink,
      );
      outboxIds.push(...added);
      for (const row of rows) {
        if (!row) continue;
        merged++;
        entityIds.add(row.entity_id);
        for (const id of row.member_ids) entityOf.set(id, row.entity_id);
      }
    };
    const sameEntity = (a: string, b: string) => {
      const ea = entityOf.get(a);
      return !!ea && ea === entityOf.get(b);
    };

    // 1. Deterministic: shared strong identifiers.
    const components = new Components();
    const why = new Map<string, ResolutionReason[]>();
    for (const m of matches) {
      if (blocked.has(pairKey(m.a, m.b))) {
        reviews.push({ objectType: m.object_type, leftId: m.a, rightId: m.b, score: 1, reasons: [{ feature: `identifier:${m.key.split(':')[0]}`, weight: 8, detail: `same ${m.key} (merge refused before)` }] });
        continue;
      }
      components.union(m.a, m.b);
      const kind = m.key.slice(0, m.key.indexOf(':'));
      why.set(components.find(m.a), [{ feature: `identifier:${kind}`, weight: 8, detail: `same ${kind} ${m.key.slice(kind.length + 1)} (deterministic key)` }]);
    }
    // One set-based merge for every group of the batch (ADR 0013).
    await applyAll(
      components.groups(new Set(matches.filter((m) => !blocked.has(pairKey(m.a, m.b))).flatMap((m) => [m.a, m.b]))).map((group) => ({
        objectType: byId.get(group[0])?.type.name ?? matches.find((m) => m.a === group[0] || m.b === group[0])?.object_type ?? '',
        memberIds: group,
        score: 1,
        reasons: why.get(components.find(group[0])) ?? [],
      })),
    );

    // 2. Fuzzy: score the written records against their candidates, per type.
    const byType = new Map<string, Candidate[]>();
    for (const c of [...written, ...others]) {
      if (!c.type.resolution || c.type.resolution.profile === 'none') continue;
      const list = byType.get(c.type.name);
      if (list) list.push(c);
      else byType.set(c.type.name, [c]);
    }
    for (const [objectType, list] of passes.fuzzy ? byType : new Map<string, Candidate[]>()) {
      if (!list.some((c) => writtenIds.has(c.id)) || list.length < 2) continue;
      // Only pairs with a record of this run: two stored candidates were compared when written.
      const result = resolvePrepared(list.map(preparedOf), { thresholds: this.thresholds, anchorIds: writtenIds });
      const toMerge: { objectType: string; memberIds: string[]; score: number; reasons: ResolutionReason[] }[] = [];
      for (const cluster of result.clusters) {
        if (!cluster.memberIds.some((id) => writtenIds.has(id))) continue;
        // A pair refused before (rejected, or a merge undone) never ends in one entity, even when
        // the cluster joins it through a third record: every pair of members is checked, not only the edges.
        const refused = cluster.memberIds.some((a, i) => cluster.memberIds.some((b, j) => j > i && blocked.has(pairKey(a, b))));
        if (refused) {
          for (const e of cluster.edges) reviews.push({ objectType, leftId: e.a, rightId: e.b, score: e.score, reasons: e.reasons });
          continue;
        }
        if (cluster.memberIds.every((id) => sameEntity(cluster.memberIds[0], id))) continue;
        const weakest = [...cluster.edges].sort((x, y) => x.score - y.score)[0];
        toMerge.push({ objectType, memberIds: cluster.memberIds, score: weakest?.score ?? 1, reasons: weakest?.reasons ?? [] });
      }
      await applyAll(toMerge);
      for (const r of result.reviews) {
        if (!writtenIds.has(r.a) && !writtenIds.has(r.b)) continue;
        reviews.push({ objectType, leftId: r.a, rightId: r.b, score: r.score, reasons: r.reasons });
      }
    }

    const perRecord = new Map<string, number>();
    const pending = reviews
      .filter((r) => !sameEntity(r.leftId, r.rightId))
      .sort((x, y) => y.score - x.score)
      .filter((r) => {
        const owner = writtenIds.has(r.leftId) ? r.leftId : r.rightId;
        const n = perRecord.get(owner) ?? 0;
        perRecord.set(owner, n + 1);
        return n < MAX_REVIEWS_PER_RECORD;
      });
    const queued = await this.resolution.enqueueReviews(sql, tenant, pending);
    if (queued) {
      const audit = OntologyEvents.audit(tenant, actor, 'entity.review-queued', pending.slice(0, 500).flatMap((r) => [{ type: 'object', id: r.leftId }, { type: 'object', id: r.rightId }]), {
        queued,
        pairs: pending.slice(0, 50).map((r) => ({ left: r.leftId, right: r.rightId, score: Math.round(r.score * 1000) / 1000 })),
      });
      if (sink) sink.push(audit);
      else outboxIds.push(...(await this.outbox.add(sql, [audit])));
    }
    return { merged, queuedForReview: queued, entityIds: [...entityIds], outboxIds };
  }
}
