import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { objectCreate, objectDelete, objectDiff, objectGet, objectHistory, objectList, objectRestore, objectUpdate } from '@vigie/ontology-contracts';
import { ObjectsService } from '../services/objects.service';

/** `ontology.v1.object.*`: the actor is the verified token's, never the payload's. */
@Controller()
@Authenticated()
export class ObjectsController {
  constructor(private readonly objects: ObjectsService) {}

  @HandleRequest(objectCreate)
  create(@Payload() req: RequestOf<typeof objectCreate>, @CurrentActor() actor: Actor) {
    return this.objects.create(actor, req);
  }

  @HandleRequest(objectUpdate)
  update(@Payload() req: RequestOf<typeof objectUpdate>, @CurrentActor() actor: Actor) {
    return this.objects.update(actor, req);
  }

  @HandleRequest(objectGet)
  get(@Payload() req: RequestOf<typeof objectGet>, @CurrentActor() actor: Actor) {
    return this.objects.get(actor, req.id, req.version);
  }

  @HandleRequest(objectList)
  list(@Payload() req: RequestOf<typeof objectList>, @CurrentActor() actor: Actor) {
    return this.objects.list(actor, req);
  }

  @HandleRequest(objectDelete)
  remove(@Payload() req: RequestOf<typeof objectDelete>, @CurrentActor() actor: Actor) {
    return this.objects.remove(actor, req.id, req.expectedVersion, req.reason);
  }

  @HandleRequest(objectRestore)
  restore(@Payload() req: RequestOf<typeof objectRestore>, @CurrentActor() actor: Actor) {
    return this.objects.restore(actor, req.id, req.expectedVersion, req.reason);
  }

  @HandleRequest(objectHistory)
  history(@Payload() req: RequestOf<typeof objectHistory>, @CurrentActor() actor: Actor) {
    return this.objects.history(actor, req.id, req.cursor, req.limit);
  }

  @HandleRequest(objectDiff)
  diff(@Payload() req: RequestOf<typeof objectDiff>, @CurrentActor() actor: Actor) {
    return this.objects.diff(actor, req.id, req.fromVersion, req.toVersion);
  }
}
