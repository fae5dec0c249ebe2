import { Injectable } from '@nestjs/common';
import { Actor } from '@vigie/shared-auth';
import { AuditAction } from '@vigie/audit-contracts';
import { MergeView, OntologyException, OntologyExceptionCode, ReviewItem } from '@vigie/ontology-contracts';
import { ObjectRepository, OntologyDatabase, OutboxRepository, ResolutionRepository, ReviewRow, visibleRow } from '@vigie/ontology-data-access';
import { decodeCursor, encodeCursor } from '@vigie/ontology-domain';
import { PolicyAction } from '@vigie/shared-policy';
import { recordedActor, requirePermission } from '../services/access';
import { OntologyEvents } from '../services/ontology-events';
import { OutboxPublisher } from '../services/outbox-publisher.service';
import { ResolutionEngine, toMergeView } from './resolution-engine';

function toReviewItem(r: ReviewRow): ReviewItem {
  return {
    id: r.id,
    status: r.status,
    objectType: r.object_type,
    leftId: r.left_id,
    rightId: r.right_id,
    score: Math.min(1, Math.max(0, r.score)),
    reasons: r.reasons,
    createdAt: new Date(r.created_at).toISOString(),
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decidedBy: r.decided_by,
    comment: r.comment,
  };
}

/**
 * The analyst's side of entity resolution: the review queue (only pairs whose two records the
 * analyst may see), decisions, unmerge, and entities. Members an analyst may not see are left out
 * of what they are shown; a merge or review involving a record they may not see is "not found".
 */
@Injectable()
export class ResolutionService {
  private readonly resolution = new ResolutionRepository();
  private readonly objects = new ObjectRepository();
  private readonly outbox = new OutboxRepository();

  constructor(
    private readonly db: OntologyDatabase,
    private readonly engine: ResolutionEngine,
    private readonly outboxPublisher: OutboxPublisher,
  ) {}

  async queue(
    actor: Actor,
    q: { status: 'pending' | 'merged' | 'rejected'; objectType?: string; objectId?: string; minScore?: number; cursor?: string; limit: number },
  ): Promise<{ items: ReviewItem[]; nextCursor: string | null }> {
    requirePermission(actor, PolicyAction.Read);
    let after: { score: number; id: string } | undefined;
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      if (typeof c.key !== 'number') throw new OntologyException(OntologyExceptionCode.InvalidCursor, 'The cursor is not one this service issued');
      after = { score: c.key, id: c.id };
    }
    const rows = await this.db.read((sql) =>
      this.resolution.listReviews(sql, (alias) => visibleRow(actor, alias), { tenant: actor.tenant, status: q.status, objectType: q.objectType, objectId: q.objectId, minScore: q.minScore, after, limit: q.limit }),
    );
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page.map(toReviewItem), nextCursor: rows.length > q.limit && last ? encodeCursor({ key: last.score, id: last.id }) : null };
  }

  async decide(actor: Actor, reviewId: string, decision: 'merge' | 'reject', comment: string | undefined): Promise<{ review: ReviewItem; merge: MergeView | null }> {
    requirePermission(actor, PolicyAction.Write);
    const result = await this.db.transaction(async (sql) => {
      const review = await this.resolution.findReview(sql, actor.tenant, reviewId, true);
      if (!review || (await this.objects.visibleIds(sql, actor, [review.left_id, review.right_id])).size < 2) {
        throw new OntologyException(OntologyExceptionCode.ReviewNotFound, `Review ${reviewId} was not found`);
      }
      if (review.status !== 'pending') throw new OntologyException(OntologyExceptionCode.ReviewAlreadyDecided, `Review ${reviewId} was already decided (${review.status})`);
      let merge = null;
      if (decision === 'merge') {
        merge =
          (await this.engine.mergeIn(sql, actor, {
            tenant: actor.tenant,
            objectType: review.object_type,
            memberIds: [review.left_id, review.right_id],
            score: review.score,
            reasons: review.reasons,
            decidedBy: actor.subject,
            actor: recordedActor(actor),
            comment,
          })) ?? null;
      }
      const decided = await this.resolution.decideReview(sql, review.id, decision === 'merge' ? 'merged' : 'rejected', actor.subject, comment, merge?.id ?? null);
      if (decision === 'reject') {
        await this.outbox.add(sql, [
          OntologyEvents.audit(actor.tenant, actor, 'entity.review-rejected', [{ type: 'object', id: review.left_id }, { type: 'object', id: review.right_id }], { reviewId, score: review.score, ...(comment ? { comment } : {}) }),
        ]);
      }
      return { review: toReviewItem(decided), merge: merge ? toMergeView(merge) : null };
    });
    await this.outboxPublisher.flush();
    return result;
  }

  async unmerge(actor: Actor, mergeId: string, comment: string | undefined): Promise<MergeView> {
    requirePermission(actor, PolicyAction.Write);
    const result = await this.db.transaction(async (sql) => {
      const merge = await this.resolution.findMerge(sql, actor.tenant, mergeId, true);
      if (!merge || (await this.objects.visibleIds(sql, actor, merge.member_ids)).size < merge.member_ids.length) {
        throw new OntologyException(OntologyExceptionCode.MergeNotFound, `Merge ${mergeId} was not found`);
      }
      if (merge.undone_at) throw new OntologyException(OntologyExceptionCode.MergeAlreadyUndone, `Merge ${mergeId} was already undone`);
      const undone = await this.resolution.unmerge(sql, merge, actor.subject, comment);
      const view = toMergeView(undone);
      await this.outbox.add(sql, [
        OntologyEvents.entityUnmerged(actor.tenant, actor, view),
        OntologyEvents.audit(actor.tenant, actor, AuditAction.EntityUnmerge, [{ type: 'entity', id: merge.entity_id }, ...merge.member_ids.map((id) => ({ type: 'object', id }))], {
          mergeId,
          ...(comment ? { comment } : {}),
        }),
      ]);
      return view;
    });
    await this.outboxPublisher.flush();
    return result;
  }

  async entity(actor: Actor, entityId: string): Promise<{ entityId: string; objectType: string; memberIds: string[]; merges: MergeView[] }> {
    requirePermission(actor, PolicyAction.Read);
    return this.db.read(async (sql) => {
      const entity = await this.resolution.findEntity(sql, actor.tenant, entityId);
      const visible = entity ? await this.objects.visibleIds(sql, actor, entity.member_ids) : new Set<string>();
      if (!entity || visible.size === 0) throw new OntologyException(OntologyExceptionCode.EntityNotFound, `Entity ${entityId} was not found`);
      const merges = await this.resolution.mergesOfEntity(sql, actor.tenant, entityId);
      const shown = [];
      for (const m of merges) {
        const seen = await this.objects.visibleIds(sql, actor, m.member_ids);
        if (seen.size === m.member_ids.length) shown.push(toMergeView(m));
      }
      return { entityId: entity.id, objectType: entity.object_type, memberIds: entity.member_ids.filter((id) => visible.has(id)), merges: shown };
    });
  }
}
