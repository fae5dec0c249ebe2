import { timeOrderedId } from '@vigie/shared-persistence';
import { Actor, historyActor, PropertyEntry, ResolutionReason } from '@vigie/ontology-contracts';
import { pgArray, Sql } from '../sql/ontology-database';

export interface ResolutionKeyRow {
  objectId: string;
  objectType: string;
  key: string;
}

export interface MergeRow {
  id: string;
  tenant: string;
  entity_id: string;
  member_ids: string[];
  score: number;
  reasons: ResolutionReason[];
  decided_by: string;
  comment: string | null;
  moves: { objectId: string; from: string | null }[];
  created_at: Date;
  undone_at: Date | null;
  undone_by: string | null;
}

export interface ReviewRow {
  id: string;
  tenant: string;
  object_type: string;
  left_id: string;
  right_id: string;
  score: number;
  reasons: ResolutionReason[];
  status: 'pending' | 'merged' | 'rejected';
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  comment: string | null;
  merge_id: string | null;
}

export interface MergeRequest {
  tenant: string;
  objectType: string;
  memberIds: string[];
  score: number;
  reasons: ResolutionReason[];
  /** `auto` or the subject of the analyst. */
  decidedBy: string;
  actor: Actor;
  comment?: string;
}

/** What resolution reads of a stored object besides its properties: enough to tell a changed one (`content_hash`). */
export interface ResolutionObjectRow {
  id: string;
  type: string;
  entity_id: string | null;
  content_hash: string;
  deleted_at: Date | null;
}

/** Some properties of an object, with the content hash of the state they were read from. */
export interface ResolutionPropertiesRow {
  id: string;
  content_hash: string;
  properties: Record<string, PropertyEntry>;
}

export interface NewReview {
  objectType: string;
  leftId: string;
  rightId: string;
  score: number;
  reasons: ResolutionReason[];
}

const MERGE_COLUMNS = 'id, tenant, entity_id, member_ids, score, reasons, decided_by, comment, moves, created_at, undone_at, undone_by';
const REVIEW_COLUMNS = 'id, tenant, object_type, left_id, right_id, score, reasons, status, created_at, decided_at, decided_by, comment, merge_id';

/**
 * Entity resolution storage: deterministic identity keys, blocking keys, canonical entities,
 * merges (never destructive: records point at an entity; each merge remembers where every moved
 * record was before, so unmerge restores exactly), membership links and the review queue.
 */
export class ResolutionRepository {
  /** Queues records for resolution (in the transaction of the change that needs it). */
  async queuePending(sql: Sql, tenant: string, objectIds: string[]): Promise<void> {
    if (!objectIds.length) return;
    await sql.query(`INSERT INTO resolution_pending (tenant, object_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING`, [tenant, pgArray(objectIds)]);
  }

  /** Records queued for resolution for longer than `olderThanMs` (left by a failed or interrupted run), per tenant. */
  async stalePending(sql: Sql, olderThanMs: number, limit: number, tenant?: string): Promise<{ tenant: string; objectIds: string[] }[]> {
    const rows = await sql.query<{ tenant: string; ids: string[] }>(
      `SELECT tenant, array_agg(object_id) AS ids FROM (
         SELECT tenant, object_id FROM resolution_pending
         WHERE queued_at < now() - (? * interval '1 millisecond') ${tenant ? 'AND tenant = ?' : ''} ORDER BY queued_at LIMIT ?
       ) p GROUP BY tenant`,
      [olderThanMs, ...(tenant ? [tenant] : []), limit],
    );
    return rows.map((r) => ({ tenant: r.tenant, objectIds: r.ids }));
  }

  /**
   * Takes (deletes, inside the caller's transaction) the pending records among `objectIds`. Rows
   * another resolver (another replica, the background loop) holds are skipped, not waited for: it
   * resolves them, or leaves them queued if it fails.
   */
  async takePending(sql: Sql, tenant: string, objectIds: string[]): Promise<string[]> {
    if (!objectIds.length) return [];
    const rows = await sql.query<{ object_id: string }>(
      // The rows are locked first (an InitPlan), then deleted by ctid: the DELETE never touches,
      // hence never waits for, a row another resolver holds.
      `DELETE FROM resolution_pending WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM resolution_pending WHERE tenant = ? AND object_id = ANY(?::uuid[]) FOR UPDATE SKIP LOCKED
       )) RETURNING object_id`,
      [tenant, pgArray(objectIds)],
    );
    return rows.map((r) => r.object_id);
  }

  /** Replaces the identity keys of these objects (one DELETE, one multi-row INSERT). */
  async replaceKeys(sql: Sql, table: 'identity_key' | 'blocking_key', tenant: string, objectIds: string[], keys: ResolutionKeyRow[]): Promise<void> {
    if (objectIds.length) await sql.query(`DELETE FROM ${table} WHERE object_id = ANY(?::uuid[])`, [pgArray(objectIds)]);
    if (!keys.length) return;
    // Three parallel arrays rather than a JSON document: cheaper to build here and to decode there (≈ 10 keys per record).
    await sql.query(
      `INSERT INTO ${table} (tenant, object_type, key, object_id)
       SELECT ?, r.object_type, r.key, r.object_id FROM unnest(?::text[], ?::text[], ?::uuid[]) AS r(object_type, key, object_id)
       ON CONFLICT DO NOTHING`,
      [tenant, pgArray(keys.map((k) => k.objectType)), pgArray(keys.map((k) => k.key)), pgArray(keys.map((k) => k.objectId))],
    );
  }

  /** Pairs (batch record, other live record of the same type) sharing a deterministic identity key. */
  async identityMatches(sql: Sql, tenant: string, objectIds: string[]): Promise<{ a: string; b: string; key: string; object_type: string }[]> {
    if (!objectIds.length) return [];
    return sql.query(
      // The batch's keys are found by object id, then each key's other holders by the full primary key
      // prefix: written so that no plan scans the tenant's keys (a tenant growing faster than its
      // statistics, e.g. during a large import, made the planner pick a per-tenant scan, quadratic).
      `WITH mine AS MATERIALIZED (
         SELECT tenant, object_type, key, object_id FROM identity_key WHERE object_id = ANY(?::uuid[])
       )
       SELECT m.object_id AS a, k2.object_id AS b, m.key, m.object_type
       FROM mine m
       CROSS JOIN LATERAL (
         SELECT k.object_id FROM identity_key k WHERE k.tenant = m.tenant AND k.object_type = m.object_type AND k.key = m.key AND k.object_id <> m.object_id
         OFFSET 0
       ) k2
       JOIN object o ON o.id = k2.object_id AND o.deleted_at IS NULL
       WHERE m.tenant = ?`,
      [pgArray(objectIds), tenant],
    );
  }

  /**
   * Stored records sharing a blocking key with one of these objects (same tenant and type, not
   * deleted), at most `perKey` per key so that a huge block (a very common name) stays bounded —
   * with what resolution needs of each but its properties (read only for the candidates it has not
   * prepared already: `propertiesOf`).
   */
  async blockingCandidateRows(sql: Sql, tenant: string, objectIds: string[], perKey: number): Promise<ResolutionObjectRow[]> {
    if (!objectIds.length) return [];
    return sql.query<ResolutionObjectRow>(
      `SELECT DISTINCT ON (o.id) o.id, o.type, o.entity_id, o.content_hash, o.deleted_at
       FROM blocking_key b1
       CROSS JOIN LATERAL (
         SELECT b2.object_id FROM blocking_key b2
         WHERE b2.tenant = b1.tenant AND b2.object_type = b1.object_type AND b2.key = b1.key AND b2.object_id <> b1.object_id
         LIMIT ?
       ) c
       JOIN object o ON o.id = c.object_id AND o.deleted_at IS NULL
       WHERE b1.tenant = ? AND b1.object_id = ANY(?::uuid[])`,
      [perKey, tenant, pgArray(objectIds)],
    );
  }

  /** These objects without their properties (`propertiesOf` reads those). */
  async objectRows(sql: Sql, tenant: string, objectIds: readonly string[]): Promise<ResolutionObjectRow[]> {
    if (!objectIds.length) return [];
    return sql.query<ResolutionObjectRow>(`SELECT id, type, entity_id, content_hash, deleted_at FROM object WHERE tenant = ? AND id = ANY(?::uuid[])`, [tenant, pgArray(objectIds)]);
  }

  /**
   * Only the named properties of these objects (what resolution reads: names, birth date, place,
   * gender, identifiers), with the content hash of the state they come from.
   */
  async propertiesOf(sql: Sql, tenant: string, objectIds: readonly string[], names: readonly string[]): Promise<ResolutionPropertiesRow[]> {
    if (!objectIds.length) return [];
    return sql.query<ResolutionPropertiesRow>(
      `SELECT o.id, o.content_hash,
              coalesce((SELECT jsonb_object_agg(k, o.properties -> k) FROM unnest(?::text[]) k WHERE o.properties -> k IS NOT NULL), '{}'::jsonb) AS properties
       FROM object o WHERE o.tenant = ? AND o.id = ANY(?::uuid[])`,
      [pgArray([...names]), tenant, pgArray(objectIds)],
    );
  }

  /** Pairs an analyst rejected or a merge that was undone: never merged automatically again. */
  async blockedPairs(sql: Sql, tenant: string, objectIds: string[]): Promise<Set<string>> {
    if (!objectIds.length) return new Set();
    const list = pgArray(objectIds);
    const rows = await sql.query<{ a: string; b: string }>(
      `SELECT left_id AS a, right_id AS b FROM review_item WHERE tenant = ? AND status = 'rejected' AND (left_id = ANY(?::uuid[]) OR right_id = ANY(?::uuid[]))
       UNION
       SELECT a, b FROM merge m, unnest(m.member_ids) a, unnest(m.member_ids) b
       WHERE m.tenant = ? AND m.undone_at IS NOT NULL AND m.member_ids && ?::uuid[] AND a < b`,
      [tenant, list, list, tenant, list],
    );
    return new Set(rows.map((r) => pairKey(r.a, r.b)));
  }

  /**
   * Merges records into one entity: the entity one of them already belongs to (the oldest), or a
   * new one. Members of other entities involved follow (entity-to-entity merge). Returns undefined
   * when they are already one entity. Nothing is deleted: objects get `entity_id`, a membership row
   * each, and the merge row records where each moved record was before.
   */
  async merge(sql: Sql, req: MergeRequest): Promise<MergeRow | undefined> {
    const members = await sql.query<{ id: string; entity_id: string | null; created: Date | null }>(
      `SELECT o.id, o.entity_id, e.created_at AS created FROM object o LEFT JOIN entity e ON e.id = o.entity_id
       WHERE o.tenant = ? AND o.id = ANY(?::uuid[]) FOR UPDATE OF o`,
      [req.tenant, pgArray(req.memberIds)],
    );
    if (members.length < 2) return undefined;
    const entities = [...new Map(members.filter((m) => m.entity_id).map((m) => [m.entity_id as string, m.created?.getTime() ?? 0])).entries()].sort(
      (x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1),
    );
    let target = entities[0]?.[0];
    if (target && members.every((m) => m.entity_id === target)) return undefined;
    if (!target) {
      target = timeOrderedId();
      await sql.query(`INSERT INTO entity (id, tenant, object_type) VALUES (?, ?, ?)`, [target, req.tenant, req.objectType]);
    }
    const others = entities.slice(1).map(([id]) => id);
    const followers = others.length
      ? await sql.query<{ id: string; entity_id: string }>(`SELECT id, entity_id FROM object WHERE tenant = ? AND entity_id = ANY(?::uuid[]) FOR UPDATE`, [req.tenant, pgArray(others)])
      : [];
    const moves = new Map<string, string | null>();
    for (const m of members) if (m.entity_id !== target) moves.set(m.id, m.entity_id);
    for (const f of followers) moves.set(f.id, f.entity_id);
    const moved = [...moves.keys()];
    const mergeId = timeOrderedId();
    const memberIds = [...new Set([...members.map((m) => m.id), ...moved])];
    const [row] = await sql.query<MergeRow>(
      `INSERT INTO merge (id, tenant, entity_id, member_ids, score, reasons, decided_by, actor, comment, moves)
       VALUES (?, ?, ?, ?::uuid[], ?, ?::jsonb, ?, ?::jsonb, ?, ?::jsonb) RETURNING ${MERGE_COLUMNS}`,
      [mergeId, req.tenant, target, pgArray(memberIds), req.score, JSON.stringify(req.reasons), req.decidedBy, JSON.stringify(historyActor(req.actor)), req.comment ?? null, JSON.stringify(moved.map((objectId) => ({ objectId, from: moves.get(objectId) ?? null })))],
    );
    await sql.query(`UPDATE object SET entity_id = ? WHERE tenant = ? AND id = ANY(?::uuid[])`, [target, req.tenant, pgArray(moved)]);
    await sql.query(`UPDATE entity_membership SET removed_at = now() WHERE object_id = ANY(?::uuid[]) AND removed_at IS NULL`, [pgArray(moved)]);
    // Members already in the target entity keep their membership; the moved ones get one from this merge.
    await sql.query(
      `INSERT INTO entity_membership (tenant, entity_id, object_id, merge_id, score, reasons)
       SELECT ?, ?, m, ?, ?, ?::jsonb FROM unnest(?::uuid[]) m`,
      [req.tenant, target, mergeId, req.score, JSON.stringify(req.reasons), pgArray(moved)],
    );
    const hasMembership = await sql.query<{ object_id: string }>(
      `SELECT object_id FROM entity_membership WHERE entity_id = ? AND removed_at IS NULL AND object_id = ANY(?::uuid[])`,
      [target, pgArray(members.map((m) => m.id))],
    );
    const without = members.map((m) => m.id).filter((id) => !hasMembership.some((h) => h.object_id === id));
    if (without.length) {
      await sql.query(
        `INSERT INTO entity_membership (tenant, entity_id, object_id, merge_id, score, reasons) SELECT ?, ?, m, ?, ?, ?::jsonb FROM unnest(?::uuid[]) m`,
        [req.tenant, target, mergeId, req.score, JSON.stringify(req.reasons), pgArray(without)],
      );
    }
    return row;
  }

  /**
   * `merge` for many groups at once, set-based (a fixed number of statements whatever the number
   * of groups) — the ingest hot path merges every group of records sharing an identifier this way.
   * Same result as calling `merge` for each group in turn: groups that touch the same record or the
   * same existing entity are merged one after another with `merge`. Returns one entry per request
   * (undefined where the records already were one entity).
   */
  async mergeMany(sql: Sql, tenant: string, reqs: MergeRequest[]): Promise<(MergeRow | undefined)[]> {
    if (!reqs.length) return [];
    if (reqs.length === 1) return [await this.merge(sql, reqs[0])];
    const allIds = [...new Set(reqs.flatMap((r) => r.memberIds))];
    const found = await sql.query<{ id: string; entity_id: string | null; created: Date | null }>(
      `SELECT o.id, o.entity_id, e.created_at AS created FROM object o LEFT JOIN entity e ON e.id = o.entity_id
       WHERE o.tenant = ? AND o.id = ANY(?::uuid[]) FOR UPDATE OF o`,
      [tenant, pgArray(allIds)],
    );
    const byId = new Map(found.map((m) => [m.id, m] as const));
    // Groups sharing a record or an existing entity depend on each other's outcome: merged in turn.
    const uses = new Map<string, number>();
    const touched = reqs.map((r) => [...new Set(r.memberIds.flatMap((id) => [id, byId.get(id)?.entity_id ?? null]).filter((x): x is string => !!x))]);
    for (const keys of touched) for (const k of keys) uses.set(k, (uses.get(k) ?? 0) + 1);
    const results: (MergeRow | undefined)[] = new Array(reqs.length).fill(undefined);
    const sequential: number[] = [];
    interface Plan { index: number; req: MergeRequest; mergeId: string; target: string; isNew: boolean; memberIds: string[]; moved: string[]; moves: { objectId: string; from: string | null }[]; present: string[] }
    const plans: Plan[] = [];
    const otherEntities: string[] = [];
    reqs.forEach((req, index) => {
      if (touched[index].some((k) => (uses.get(k) ?? 0) > 1)) return void sequential.push(index);
      const members = [...new Set(req.memberIds)].map((id) => byId.get(id)).filter((m): m is NonNullable<typeof m> => !!m);
      if (members.length < 2) return;
      const entities = [...new Map(members.filter((m) => m.entity_id).map((m) => [m.entity_id as string, m.created?.getTime() ?? 0])).entries()].sort(
        (x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1),
      );
      const existing = entities[0]?.[0];
      if (existing && members.every((m) => m.entity_id === existing)) return;
      otherEntities.push(...entities.slice(1).map(([id]) => id));
      plans.push({ index, req, mergeId: timeOrderedId(), target: existing ?? timeOrderedId(), isNew: !existing, memberIds: [], moved: [], moves: [], present: members.map((m) => m.id) });
    });
    if (plans.length) {
      const followers = otherEntities.length
        ? await sql.query<{ id: string; entity_id: string }>(`SELECT id, entity_id FROM object WHERE tenant = ? AND entity_id = ANY(?::uuid[]) FOR UPDATE`, [tenant, pgArray(otherEntities)])
        : [];
      const followersOf = new Map<string, { id: string; entity_id: string }[]>();
      for (const f of followers) followersOf.set(f.entity_id, [...(followersOf.get(f.entity_id) ?? []), f]);
      for (const plan of plans) {
        const moves = new Map<string, string | null>();
        for (const id of plan.present) {
          const m = byId.get(id) as { entity_id: string | null };
          if (m.entity_id !== plan.target) moves.set(id, m.entity_id);
        }
        const others = new Set(plan.present.map((id) => byId.get(id)?.entity_id).filter((e): e is string => !!e && e !== plan.target));
        for (const e of others) for (const f of followersOf.get(e) ?? []) moves.set(f.id, f.entity_id);
        plan.moved = [...moves.keys()];
        plan.moves = plan.moved.map((objectId) => ({ objectId, from: moves.get(objectId) ?? null }));
        plan.memberIds = [...new Set([...plan.present, ...plan.moved])];
      }
      const fresh = plans.filter((p) => p.isNew);
      if (fresh.length) {
        await sql.query(`INSERT INTO entity (id, tenant, object_type) SELECT r.id, ?, r.object_type FROM jsonb_to_recordset(?::jsonb) AS r(id uuid, object_type text)`, [
          tenant,
          JSON.stringify(fresh.map((p) => ({ id: p.target, object_type: p.req.objectType }))),
        ]);
      }
      const rows = await sql.query<MergeRow>(
        `INSERT INTO merge (id, tenant, entity_id, member_ids, score, reasons, decided_by, actor, comment, moves)
         SELECT r.id, ?, r.entity_id, ARRAY(SELECT jsonb_array_elements_text(r.member_ids))::uuid[], r.score, r.reasons, r.decided_by, r.actor, r.comment, r.moves
         FROM jsonb_to_recordset(?::jsonb) AS r(id uuid, entity_id uuid, member_ids jsonb, score float8, reasons jsonb, decided_by text, actor jsonb, comment text, moves jsonb)
         RETURNING ${MERGE_COLUMNS}`,
        [
          tenant,
          JSON.stringify(
            plans.map((p) => ({ id: p.mergeId, entity_id: p.target, member_ids: p.memberIds, score: p.req.score, reasons: p.req.reasons, decided_by: p.req.decidedBy, actor: p.req.actor, comment: p.req.comment ?? null, moves: p.moves })),
          ),
        ],
      );
      const moved = plans.flatMap((p) => p.moved.map((objectId) => ({ object_id: objectId, target: p.target, merge_id: p.mergeId, score: p.req.score, reasons: p.req.reasons })));
      await sql.query(
        `UPDATE object o SET entity_id = r.target FROM jsonb_to_recordset(?::jsonb) AS r(object_id uuid, target uuid) WHERE o.tenant = ? AND o.id = r.object_id`,
        [JSON.stringify(moved.map((m) => ({ object_id: m.object_id, target: m.target }))), tenant],
      );
      await sql.query(`UPDATE entity_membership SET removed_at = now() WHERE object_id = ANY(?::uuid[]) AND removed_at IS NULL`, [pgArray(moved.map((m) => m.object_id))]);
      // Members already in their target entity keep their membership; the moved ones get one from their merge.
      const memberships = [...moved];
      const open = await sql.query<{ entity_id: string; object_id: string }>(
        `SELECT entity_id, object_id FROM entity_membership WHERE removed_at IS NULL AND object_id = ANY(?::uuid[])`,
        [pgArray(plans.flatMap((p) => p.present))],
      );
      const has = new Set(open.map((o) => `${o.entity_id}|${o.object_id}`));
      for (const p of plans) {
        for (const id of p.present) {
          if (!has.has(`${p.target}|${id}`) && !p.moved.includes(id)) memberships.push({ object_id: id, target: p.target, merge_id: p.mergeId, score: p.req.score, reasons: p.req.reasons });
        }
      }
      await sql.query(
        `INSERT INTO entity_membership (tenant, entity_id, object_id, merge_id, score, reasons)
         SELECT ?, r.target, r.object_id, r.merge_id, r.score, r.reasons FROM jsonb_to_recordset(?::jsonb) AS r(target uuid, object_id uuid, merge_id uuid, score float8, reasons jsonb)`,
        [tenant, JSON.stringify(memberships)],
      );
      const byMergeId = new Map(rows.map((r) => [r.id, r] as const));
      for (const p of plans) results[p.index] = byMergeId.get(p.mergeId);
    }
    for (const index of sequential) results[index] = await this.merge(sql, reqs[index]);
    return results;
  }

  async findMerge(sql: Sql, tenant: string, id: string, forUpdate = false): Promise<MergeRow | undefined> {
    const rows = await sql.query<MergeRow>(`SELECT ${MERGE_COLUMNS} FROM merge WHERE tenant = ? AND id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [tenant, id]);
    return rows[0];
  }

  /**
   * Undoes a merge: every record it moved goes back to the entity it was in before (if it is still
   * in this merge's entity — later merges are not silently undone), memberships of this merge are
   * closed and the previous ones reopened.
   */
  async unmerge(sql: Sql, merge: MergeRow, undoneBy: string, comment: string | undefined): Promise<MergeRow> {
    for (const move of merge.moves) {
      const rows = await sql.query(`UPDATE object SET entity_id = ? WHERE id = ? AND entity_id = ? RETURNING id`, [move.from, move.objectId, merge.entity_id]);
      if (!rows.length) continue;
      await sql.query(`UPDATE entity_membership SET removed_at = now() WHERE object_id = ? AND merge_id = ? AND removed_at IS NULL`, [move.objectId, merge.id]);
      if (move.from) {
        await sql.query(
          `UPDATE entity_membership SET removed_at = NULL WHERE id = (
             SELECT id FROM entity_membership WHERE object_id = ? AND entity_id = ? AND removed_at IS NOT NULL ORDER BY removed_at DESC, id DESC LIMIT 1)`,
          [move.objectId, move.from],
        );
      }
    }
    // Records that were already in the entity and got their membership from this merge leave it too
    // when the merge made the entity (they were alone before).
    const stayed = merge.member_ids.filter((id) => !merge.moves.some((m) => m.objectId === id));
    if (stayed.length) {
      const remaining = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM object WHERE entity_id = ?`, [merge.entity_id]);
      if ((remaining[0]?.n ?? 0) < 2) {
        await sql.query(`UPDATE object SET entity_id = NULL WHERE entity_id = ?`, [merge.entity_id]);
        await sql.query(`UPDATE entity_membership SET removed_at = now() WHERE entity_id = ? AND removed_at IS NULL`, [merge.entity_id]);
      }
    }
    const [row] = await sql.query<MergeRow>(
      `UPDATE merge SET undone_at = now(), undone_by = ?, undo_comment = ? WHERE id = ? RETURNING ${MERGE_COLUMNS}`,
      [undoneBy, comment ?? null, merge.id],
    );
    return row;
  }

  /** Merges that built an entity (those made on it, and those whose members are now in it). */
  async mergesOfEntity(sql: Sql, tenant: string, entityId: string): Promise<MergeRow[]> {
    return sql.query<MergeRow>(
      `SELECT ${MERGE_COLUMNS} FROM merge WHERE tenant = ? AND (entity_id = ? OR member_ids && ARRAY(SELECT id FROM object WHERE entity_id = ?)) ORDER BY created_at, id`,
      [tenant, entityId, entityId],
    );
  }

  async findEntity(sql: Sql, tenant: string, entityId: string): Promise<{ id: string; object_type: string; member_ids: string[] } | undefined> {
    const rows = await sql.query<{ id: string; object_type: string; member_ids: string[] }>(
      `SELECT e.id, e.object_type, ARRAY(SELECT o.id FROM object o WHERE o.entity_id = e.id ORDER BY o.id) AS member_ids FROM entity e WHERE e.tenant = ? AND e.id = ?`,
      [tenant, entityId],
    );
    return rows[0];
  }

  /** Queues pairs for review (a pair already queued or decided is left as it is). Returns how many were added. */
  async enqueueReviews(sql: Sql, tenant: string, reviews: NewReview[]): Promise<number> {
    if (!reviews.length) return 0;
    const rows = await sql.query(
      `INSERT INTO review_item (id, tenant, object_type, left_id, right_id, score, reasons)
       SELECT r.id, ?, r.object_type, r.left_id, r.right_id, r.score, r.reasons
       FROM jsonb_to_recordset(?::jsonb) AS r(id uuid, object_type text, left_id uuid, right_id uuid, score float8, reasons jsonb)
       ON CONFLICT DO NOTHING RETURNING id`,
      [tenant, JSON.stringify(reviews.map((r) => ({ id: timeOrderedId(), object_type: r.objectType, left_id: r.leftId, right_id: r.rightId, score: r.score, reasons: r.reasons })))],
    );
    return rows.length;
  }

  async findReview(sql: Sql, tenant: string, id: string, forUpdate = false): Promise<ReviewRow | undefined> {
    const rows = await sql.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM review_item WHERE tenant = ? AND id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [tenant, id]);
    return rows[0];
  }

  async decideReview(sql: Sql, id: string, status: 'merged' | 'rejected', decidedBy: string, comment: string | undefined, mergeId: string | null): Promise<ReviewRow> {
    const [row] = await sql.query<ReviewRow>(
      `UPDATE review_item SET status = ?, decided_at = now(), decided_by = ?, comment = ?, merge_id = ? WHERE id = ? RETURNING ${REVIEW_COLUMNS}`,
      [status, decidedBy, comment ?? null, mergeId, id],
    );
    return row;
  }

  /**
   * The review queue, best score first (keyset on score, id), holding only pairs whose two records
   * the reader may see: `visible` is the markings predicate applied to both ends in the query.
   */
  async listReviews(
    sql: Sql,
    visible: (alias: string) => { sql: string; params: (string | number)[] },
    q: { tenant: string; status: string; objectType?: string; objectId?: string; minScore?: number; after?: { score: number; id: string }; limit: number },
  ): Promise<ReviewRow[]> {
    const l = visible('lo');
    const r = visible('ro');
    const params: unknown[] = [q.tenant, q.status];
    let where = `ri.tenant = ? AND ri.status = ?`;
    if (q.objectType) {
      where += ' AND ri.object_type = ?';
      params.push(q.objectType);
    }
    if (q.objectId) {
      // review_item_left_idx / review_item_right_idx: a bitmap OR, not a scan of the tenant's queue.
      where += ' AND (ri.left_id = ?::uuid OR ri.right_id = ?::uuid)';
      params.push(q.objectId, q.objectId);
    }
    if (q.minScore !== undefined) {
      where += ' AND ri.score >= ?';
      params.push(q.minScore);
    }
    if (q.after) {
      where += ' AND (ri.score < ? OR (ri.score = ? AND ri.id > ?::uuid))';
      params.push(q.after.score, q.after.score, q.after.id);
    }
    return sql.query<ReviewRow>(
      `SELECT ${REVIEW_COLUMNS.split(', ').map((c) => `ri.${c}`).join(', ')}
       FROM review_item ri JOIN object lo ON lo.id = ri.left_id JOIN object ro ON ro.id = ri.right_id
       WHERE ${where} AND ${l.sql} AND ${r.sql} ORDER BY ri.score DESC, ri.id LIMIT ?`,
      [...params, ...l.params, ...r.params, q.limit + 1],
    );
  }
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
