import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuditAction } from '@vigie/audit-contracts';
import { Actor, Authenticated, CurrentActor } from '@vigie/shared-auth';
import { RequestOf } from '@vigie/shared-contracts';
import { HandleRequest } from '@vigie/shared-messaging';
import { LinkCountResponse, linkCount, linkCreate, linkDelete, linkDiff, linkGet, linkHistory, linkList, linkRestore, linkUpdate } from '@vigie/ontology-contracts';
import { LinksService } from '../services/links.service';
import { asDetails, OntologyReadGuard } from '../services/read-guard.service';

/** Audit actions of link reads (changes use `AuditAction.Link*` and `link.restore`). */
export const LinkReadAction = {
  Read: AuditAction.LinkRead,
  List: 'link.list',
  Count: 'link.count',
  History: 'link.history',
  Diff: 'link.diff',
} as const;

/** `ontology.v1.link.*`: reads audited and fail-closed, under the purpose rule (see {@link OntologyReadGuard}). */
@Controller()
@Authenticated()
export class LinksController {
  constructor(
    private readonly links: LinksService,
    private readonly guard: OntologyReadGuard,
  ) {}

  @HandleRequest(linkCreate)
  create(@Payload() req: RequestOf<typeof linkCreate>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(
      actor,
      AuditAction.LinkCreate,
      [
        { type: 'object', id: req.fromId },
        { type: 'object', id: req.toId },
      ],
      { linkType: req.type },
      () => this.links.create(actor, req),
    );
  }

  @HandleRequest(linkUpdate)
  update(@Payload() req: RequestOf<typeof linkUpdate>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, AuditAction.LinkUpdate, [{ type: 'link', id: req.id }], { expectedVersion: req.expectedVersion }, () => this.links.update(actor, req), (view) => view.version === req.expectedVersion);
  }

  @HandleRequest(linkGet)
  get(@Payload() req: RequestOf<typeof linkGet>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      LinkReadAction.Read,
      { type: 'link', id: req.id },
      asDetails({ ...(req.version === undefined ? {} : { version: req.version }) }),
      (reader) => this.links.get(reader, req.id, req.version),
      (link) => ({
        resources: [
          { type: 'link', id: link.id },
          { type: 'object', id: link.fromId },
          { type: 'object', id: link.toId },
        ],
        details: { version: link.version, linkType: link.type, level: link.markings.level },
      }),
    );
  }

  @HandleRequest(linkList)
  list(@Payload() req: RequestOf<typeof linkList>, @CurrentActor() actor: Actor) {
    return this.guard.many(
      actor,
      LinkReadAction.List,
      { query: asDetails(req) },
      (reader) => this.links.list(reader, req),
      (page) => ({ resources: page.items.map((l) => ({ type: 'link', id: l.id })), details: { returned: page.items.length, more: page.nextCursor !== null, partial: page.partial } }),
    );
  }

  @HandleRequest(linkCount)
  count(@Payload() req: RequestOf<typeof linkCount>, @CurrentActor() actor: Actor): Promise<LinkCountResponse> {
    return this.guard.many(
      actor,
      LinkReadAction.Count,
      { query: asDetails(req) },
      (reader) => this.links.countLinks(reader, req),
      (r) => ({ details: { count: r.count, exact: r.exact } }),
    );
  }

  @HandleRequest(linkDelete)
  remove(@Payload() req: RequestOf<typeof linkDelete>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, AuditAction.LinkDelete, [{ type: 'link', id: req.id }], {}, () => this.links.setDeleted(actor, req.id, req.expectedVersion, true, req.reason));
  }

  @HandleRequest(linkRestore)
  restore(@Payload() req: RequestOf<typeof linkRestore>, @CurrentActor() actor: Actor) {
    return this.guard.writeAudited(actor, 'link.restore', [{ type: 'link', id: req.id }], {}, () => this.links.setDeleted(actor, req.id, req.expectedVersion, false, req.reason));
  }

  @HandleRequest(linkHistory)
  history(@Payload() req: RequestOf<typeof linkHistory>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      LinkReadAction.History,
      { type: 'link', id: req.id },
      {},
      (reader) => this.links.history(reader, req.id, req.cursor, req.limit),
      (page) => ({ details: { versions: page.items.map((v) => v.version) } }),
    );
  }

  @HandleRequest(linkDiff)
  diff(@Payload() req: RequestOf<typeof linkDiff>, @CurrentActor() actor: Actor) {
    return this.guard.one(
      actor,
      LinkReadAction.Diff,
      { type: 'link', id: req.id },
      { fromVersion: req.fromVersion, toVersion: req.toVersion },
      (reader) => this.links.diff(reader, req.id, req.fromVersion, req.toVersion),
      (d) => ({ details: { changes: d.changes.length } }),
    );
  }
}
