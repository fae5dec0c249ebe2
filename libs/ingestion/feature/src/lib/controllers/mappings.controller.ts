import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { mappingCreate, mappingGet, mappingList, stixExtensionApply, stixExtensionGet } from '@vigie/ingestion-contracts';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { StixExtensionService } from '../mapping/stix-extension.service';
import { StoredMappingsService } from '../mapping/stored-mappings.service';

/** `ingestion.v1.mapping.{create,get,list}` and `ingestion.v1.stix-extension.*`; the caller's forwarded token is re-verified. */
@Controller()
@Authenticated()
export class MappingsController {
  constructor(
    private readonly mappings: StoredMappingsService,
    private readonly stix: StixExtensionService,
  ) {}

  @HandleRequest(mappingCreate)
  create(@Payload() req: RequestOf<typeof mappingCreate>, @CurrentActor() actor: Actor) {
    return this.mappings.create(actor, req);
  }

  @HandleRequest(mappingGet)
  get(@Payload() req: RequestOf<typeof mappingGet>, @CurrentActor() actor: Actor) {
    return this.mappings.get(actor, req.id);
  }

  @HandleRequest(mappingList)
  list(@Payload() req: RequestOf<typeof mappingList>, @CurrentActor() actor: Actor) {
    return this.mappings.list(actor, req);
  }

  @HandleRequest(stixExtensionGet)
  stixState(@Payload() _req: RequestOf<typeof stixExtensionGet>, @CurrentActor() actor: Actor) {
    return this.stix.state(actor);
  }

  @HandleRequest(stixExtensionApply)
  stixApply(@Payload() _req: RequestOf<typeof stixExtensionApply>, @CurrentActor() actor: Actor) {
    return this.stix.apply(actor);
  }
}
