import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { resolutionEntityGet, resolutionQueueDecide, resolutionQueueList, resolutionUnmerge } from '@vigie/ontology-contracts';
import { ResolutionService } from '../resolution/resolution.service';

/** `ontology.v1.resolution.*`. */
@Controller()
@Authenticated()
export class ResolutionController {
  constructor(private readonly resolution: ResolutionService) {}

  @HandleRequest(resolutionQueueList)
  queue(@Payload() req: RequestOf<typeof resolutionQueueList>, @CurrentActor() actor: Actor) {
    return this.resolution.queue(actor, req);
  }

  @HandleRequest(resolutionQueueDecide)
  decide(@Payload() req: RequestOf<typeof resolutionQueueDecide>, @CurrentActor() actor: Actor) {
    return this.resolution.decide(actor, req.reviewId, req.decision, req.comment);
  }

  @HandleRequest(resolutionUnmerge)
  unmerge(@Payload() req: RequestOf<typeof resolutionUnmerge>, @CurrentActor() actor: Actor) {
    return this.resolution.unmerge(actor, req.mergeId, req.comment);
  }

  @HandleRequest(resolutionEntityGet)
  entity(@Payload() req: RequestOf<typeof resolutionEntityGet>, @CurrentActor() actor: Actor) {
    return this.resolution.entity(actor, req.entityId);
  }
}
