import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { typeGet, typeList, typeUpsert } from '@vigie/ontology-contracts';
import { OntologyTypesService } from '../services/ontology-types.service';

/** `ontology.v1.type.*`: read by any authenticated caller of the tenant (ingestion maps with it), changed by administrators. */
@Controller()
@Authenticated()
export class TypesController {
  constructor(private readonly types: OntologyTypesService) {}

  @HandleRequest(typeList)
  list(@Payload() _req: RequestOf<typeof typeList>, @CurrentActor() actor: Actor) {
    return this.types.list(actor);
  }

  @HandleRequest(typeGet)
  get(@Payload() req: RequestOf<typeof typeGet>, @CurrentActor() actor: Actor) {
    return this.types.get(actor, req.kind, req.name);
  }

  @HandleRequest(typeUpsert)
  upsert(@Payload() req: RequestOf<typeof typeUpsert>, @CurrentActor() actor: Actor) {
    return this.types.upsert(actor, req);
  }
}
