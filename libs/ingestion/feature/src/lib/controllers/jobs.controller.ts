import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { jobCancel, jobCreate, jobGet, jobList, mappingValidate, quarantineList } from '@vigie/ingestion-contracts';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { JobsService } from '../jobs.service';

/** `ingestion.v1.*` requests; the caller's forwarded token is re-verified (`@Authenticated()`). */
@Controller()
@Authenticated()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @HandleRequest(jobCreate)
  create(@Payload() req: RequestOf<typeof jobCreate>, @CurrentActor() actor: Actor) {
    return this.jobs.create(actor, req);
  }

  @HandleRequest(jobGet)
  get(@Payload() req: RequestOf<typeof jobGet>, @CurrentActor() actor: Actor) {
    return this.jobs.get(actor, req.id);
  }

  @HandleRequest(jobList)
  list(@Payload() req: RequestOf<typeof jobList>, @CurrentActor() actor: Actor) {
    return this.jobs.list(actor, req);
  }

  @HandleRequest(jobCancel)
  cancel(@Payload() req: RequestOf<typeof jobCancel>, @CurrentActor() actor: Actor) {
    return this.jobs.cancel(actor, req.id);
  }

  @HandleRequest(quarantineList)
  quarantine(@Payload() req: RequestOf<typeof quarantineList>, @CurrentActor() actor: Actor) {
    return this.jobs.quarantine(actor, req);
  }

  @HandleRequest(mappingValidate)
  validate(@Payload() req: RequestOf<typeof mappingValidate>, @CurrentActor() actor: Actor) {
    return this.jobs.validateMapping(actor, req);
  }
}
