import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { linkCreate, linkDelete, linkDiff, linkGet, linkHistory, linkList, linkRestore, linkUpdate } from '@vigie/ontology-contracts';
import { LinksService } from '../services/links.service';

/** `ontology.v1.link.*`. */
@Controller()
@Authenticated()
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @HandleRequest(linkCreate)
  create(@Payload() req: RequestOf<typeof linkCreate>, @CurrentActor() actor: Actor) {
    return this.links.create(actor, req);
  }

  @HandleRequest(linkUpdate)
  update(@Payload() req: RequestOf<typeof linkUpdate>, @CurrentActor() actor: Actor) {
    return this.links.update(actor, req);
  }

  @HandleRequest(linkGet)
  get(@Payload() req: RequestOf<typeof linkGet>, @CurrentActor() actor: Actor) {
    return this.links.get(actor, req.id, req.version);
  }

  @HandleRequest(linkList)
  list(@Payload() req: RequestOf<typeof linkList>, @CurrentActor() actor: Actor) {
    return this.links.list(actor, req);
  }

  @HandleRequest(linkDelete)
  remove(@Payload() req: RequestOf<typeof linkDelete>, @CurrentActor() actor: Actor) {
    return this.links.setDeleted(actor, req.id, req.expectedVersion, true, req.reason);
  }

  @HandleRequest(linkRestore)
  restore(@Payload() req: RequestOf<typeof linkRestore>, @CurrentActor() actor: Actor) {
    return this.links.setDeleted(actor, req.id, req.expectedVersion, false, req.reason);
  }

  @HandleRequest(linkHistory)
  history(@Payload() req: RequestOf<typeof linkHistory>, @CurrentActor() actor: Actor) {
    return this.links.history(actor, req.id, req.cursor, req.limit);
  }

  @HandleRequest(linkDiff)
  diff(@Payload() req: RequestOf<typeof linkDiff>, @CurrentActor() actor: Actor) {
    return this.links.diff(actor, req.id, req.fromVersion, req.toVersion);
  }
}
