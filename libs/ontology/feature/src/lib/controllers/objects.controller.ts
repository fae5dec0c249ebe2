import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuditAction } from '@vigie/audit-contracts';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import {
  objectCount,
  objectCreate,
  objectDelete,
  objectDiff,
  objectGet,
  objectHistory,
  objectList,
  ObjectCountResponse,
  objectRestore,
  objectUpdate,
} from '@vigie/ontology-contracts';
import { ObjectsService } from '../services/objects.service';
import { asDetails, OntologyReadGuard } from '../services/read-guard.service';

/** Audit actions of object reads (changes use `AuditAction.Object*` and `object.restore`). */
export const ObjectReadAction = {
  Read: AuditAction.ObjectRead,
  List: 'object.list',
  Count: 'object.count',
  History: 'object.history',
  Diff: 'object.diff',
} as const;

/**
 * `ontology.v1.object.*`: the actor is the verified token's, never the payload's. Every read is
 * audited and answered only once its audit event is acknowledged (fail closed), under the purpose
 * rule of {@link OntologyReadGuard}; refused or failed changes are audited too.
 */
@Controller()
@Authenticated()
export class ObjectsController {
  constructor(
    private readonly objects: ObjectsService,
    private readonly guard: OntologyReadGuard,
  ) {}

  @HandleRequest(objectCreate)
  create(@Payload() req: RequestOf<typeof objectCreate>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, AuditAction.ObjectCreate, [], { objectType: req.type }, () => this.objects.create(actor, req));
  }

  @HandleRequest(objectUpdate)
  update(@Payload() req: RequestOf<typeof objectUpdate>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, AuditAction.ObjectUpdate, [{ type: 'object', id: req.id }], { expectedVersion: req.expectedVersion }, () => this.objects.update(actor, req), (view) => view.version === req.expectedVersion);
  }

  @HandleRequest(objectGet)
  get(@Payload() req: RequestOf<typeof objectGet>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      ObjectReadAction.Read,
      { type: 'object', id: req.id },
      asDetails({ ...(req.version === undefined ? {} : { version: req.version }) }),
      (reader) => this.objects.get(reader, req.id, req.version),
      (view) => ({ details: { version: view.version, objectType: view.type, level: view.markings.level } }),
    );
  }

  @HandleRequest(objectList)
  list(@Payload() req: RequestOf<typeof objectList>, @CurrentActor() actor: Actor) {
    return this.guard.many(
      actor,
      ObjectReadAction.List,
      { query: asDetails(req) },
      (reader) => this.objects.list(reader, req),
      (page) => ({ resources: page.items.map((o) => ({ type: 'object', id: o.id })), details: { returned: page.items.length, more: page.nextCursor !== null, partial: page.partial } }),
    );
  }

  @HandleRequest(objectCount)
  count(@Payload() req: RequestOf<typeof objectCount>, @CurrentActor() actor: Actor): Promise<ObjectCountResponse> {
    return this.guard.many(
      actor,
      ObjectReadAction.Count,
      { query: asDetails(req) },
      (reader) => this.objects.countObjects(reader, req),
      (r) => ({ details: { count: r.count, exact: r.exact } }),
    );
  }

  @HandleRequest(objectDelete)
  remove(@Payload() req: RequestOf<typeof objectDelete>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, AuditAction.ObjectDelete, [{ type: 'object', id: req.id }], {}, () => this.objects.remove(actor, req.id, req.expectedVersion, req.reason));
  }

  @HandleRequest(objectRestore)
  restore(@Payload() req: RequestOf<typeof objectRestore>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, 'object.restore', [{ type: 'object', id: req.id }], {}, () => this.objects.restore(actor, req.id, req.expectedVersion, req.reason));
  }

  @HandleRequest(objectHistory)
  history(@Payload() req: RequestOf<typeof objectHistory>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      ObjectReadAction.History,
      { type: 'object', id: req.id },
      {},
      (reader) => this.objects.history(reader, req.id, req.cursor, req.limit),
      (page) => ({ details: { versions: page.items.map((v) => v.version) } }),
    );
  }

  @HandleRequest(objectDiff)
  diff(@Payload() req: RequestOf<typeof objectDiff>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      ObjectReadAction.Diff,
      { type: 'object', id: req.id },
      { fromVersion: req.fromVersion, toVersion: req.toVersion },
      (reader) => this.objects.diff(reader, req.id, req.fromVersion, req.toVersion),
      (d) => ({ details: { changes: d.changes.length } }),
    );
  }
}
