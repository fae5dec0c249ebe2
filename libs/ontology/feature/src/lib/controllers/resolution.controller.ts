import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuditAction } from '@vigie/audit-contracts';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { resolutionEntityGet, resolutionQueueDecide, resolutionQueueList, resolutionUnmerge } from '@vigie/ontology-contracts';
import { ResolutionService } from '../resolution/resolution.service';
import { asDetails, OntologyReadGuard } from '../services/read-guard.service';

/**
 * `ontology.v1.resolution.*`. Reading the review queue or an entity is audited and fail-closed
 * under the purpose rule like any read of objects; a refused or failed decision or unmerge is
 * audited too (the ones made are audited with the change: entity.merge, entity.review-rejected,
 * entity.unmerge).
 */
@Controller()
@Authenticated()
export class ResolutionController {
  constructor(
    private readonly resolution: ResolutionService,
    private readonly guard: OntologyReadGuard,
  ) {}

  @HandleRequest(resolutionQueueList)
  queue(@Payload() req: RequestOf<typeof resolutionQueueList>, @CurrentActor() actor: Actor) {
    return this.guard.many(
      actor,
      'entity.review-list',
      { query: asDetails(req) },
      (reader) => this.resolution.queue(reader, req),
      (page) => ({
        resources: page.items.flatMap((r) => [
          { type: 'object', id: r.leftId },
          { type: 'object', id: r.rightId },
        ]),
        details: { returned: page.items.length, more: page.nextCursor !== null },
      }),
    );
  }

  @HandleRequest(resolutionQueueDecide)
  decide(@Payload() req: RequestOf<typeof resolutionQueueDecide>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, req.decision === 'merge' ? AuditAction.EntityMerge : 'entity.review-rejected', [{ type: 'review', id: req.reviewId }], { decision: req.decision }, () =>
      this.resolution.decide(actor, req.reviewId, req.decision, req.comment),
    );
  }

  @HandleRequest(resolutionUnmerge)
  unmerge(@Payload() req: RequestOf<typeof resolutionUnmerge>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, AuditAction.EntityUnmerge, [{ type: 'merge', id: req.mergeId }], {}, () => this.resolution.unmerge(actor, req.mergeId, req.comment));
  }

  @HandleRequest(resolutionEntityGet)
  entity(@Payload() req: RequestOf<typeof resolutionEntityGet>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      'entity.read',
      { type: 'entity', id: req.entityId },
      {},
      (reader) => this.resolution.entity(reader, req.entityId),
      (e) => ({ resources: [{ type: 'entity', id: e.entityId }, ...e.memberIds.map((id) => ({ type: 'object', id }))], details: { members: e.memberIds.length } }),
    );
  }
}
