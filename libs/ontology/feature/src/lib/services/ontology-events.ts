import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Actor } from '@vigie/shared-auth';
import { auditEventContractFor, AuditEvent } from '@vigie/audit-contracts';
import {
  ChangeKind,
  entityMerged,
  entityUnmerged,
  linkChanged,
  LinkView,
  MergeView,
  objectChanged,
  ObjectView,
  OntologyDocument,
  recordsChanged,
  RecordsChangedPayload,
  typesChanged,
} from '@vigie/ontology-contracts';
import { OutboxMessage } from '@vigie/ontology-data-access';
import { currentTraceId } from '@vigie/shared-telemetry';
import { recordedActor } from './access';

function traceId(): string {
  const id = currentTraceId();
  return id && /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id) ? id : randomBytes(16).toString('hex');
}

function envelope(tenant: string, actor: Actor) {
  return {
    tenant,
    occurredAt: new Date().toISOString(),
    actor: recordedActor(actor),
    ...(actor.purpose ? { purpose: actor.purpose } : {}),
    traceId: traceId(),
  };
}

/**
 * Largest encoded size of a `records.changed` page: well under NATS's default maximum payload
 * (1 MiB), leaving room for headers. A single change bigger than this still gets a page of its own.
 */
export const RECORDS_PAGE_MAX_BYTES = 512 * 1024;

/**
 * Builds the ONTOLOGY and AUDIT stream messages of a change, for the outbox. ONTOLOGY events
 * carry the full current state (every property with its marking), so projections never call
 * back; `Nats-Msg-Id` is `<id>:<version>`, so a republished change is deduplicated.
 */
export const OntologyEvents = {
  objectChanged(tenant: string, actor: Actor, change: ChangeKind, object: ObjectView): OutboxMessage {
    const msgId = `${object.id}:${object.version}`;
    return { subject: objectChanged.subject, msgId, payload: { eventId: msgId, ...envelope(tenant, actor), change, object } };
  },

  linkChanged(tenant: string, actor: Actor, change: ChangeKind, link: LinkView): OutboxMessage {
    const msgId = `${link.id}:${link.version}`;
    return { subject: linkChanged.subject, msgId, payload: { eventId: msgId, ...envelope(tenant, actor), change, link } };
  },

  /**
   * The changes of one write (an ingest batch) as `records.changed` pages of at most
   * RECORDS_PAGE_MAX_BYTES each. `Nats-Msg-Id` is derived from the (id, version) pairs of the page,
   * so republishing the same page is deduplicated and a different write never collides.
   */
  recordsChanged(
    tenant: string,
    actor: Actor,
    objects: readonly { change: ChangeKind; object: ObjectView }[],
    links: readonly { change: ChangeKind; link: LinkView }[],
    maxBytes = RECORDS_PAGE_MAX_BYTES,
  ): OutboxMessage[] {
    // Each change encoded ONCE: its JSON text sizes the pages and is spliced into the page's text,
    // which the outbox stores and JetStream receives (`OutboxMessage.json`, = JSON.stringify(payload)).
    type Item = { kind: 'object'; value: RecordsChangedPayload['objects'][number]; key: string; json: string } | { kind: 'link'; value: RecordsChangedPayload['links'][number]; key: string; json: string };
    const items: Item[] = [];
    for (const o of objects) items.push({ kind: 'object', value: o, key: `${o.object.id}:${o.object.version}`, json: JSON.stringify(o) });
    for (const l of links) items.push({ kind: 'link', value: l, key: `${l.link.id}:${l.link.version}`, json: JSON.stringify(l) });
    const pages: Item[][] = [];
    let page: Item[] = [];
    let bytes = 0;
    for (const item of items) {
      const size = Buffer.byteLength(item.json) + 1;
      if (page.length && bytes + size > maxBytes) {
        pages.push(page);
        page = [];
        bytes = 0;
      }
      page.push(item);
      bytes += size;
    }
    if (page.length) pages.push(page);
    const env = envelope(tenant, actor);
    return pages.map((p) => {
      const msgId = `changes:${createHash('sha256').update(p.map((i) => i.key).join(',')).digest('hex').slice(0, 40)}`;
      const pageObjects = p.filter((i) => i.kind === 'object');
      const pageLinks = p.filter((i) => i.kind === 'link');
      const payload: RecordsChangedPayload = {
        eventId: msgId,
        ...env,
        objects: pageObjects.map((i) => i.value as RecordsChangedPayload['objects'][number]),
        links: pageLinks.map((i) => i.value as RecordsChangedPayload['links'][number]),
      };
      // JSON.stringify(payload), key for key: the envelope, then the two arrays from their items' text.
      const head = JSON.stringify({ eventId: msgId, ...env });
      const json = `${head.slice(0, -1)},"objects":[${pageObjects.map((i) => i.json).join(',')}],"links":[${pageLinks.map((i) => i.json).join(',')}]}`;
      return { subject: recordsChanged.subject, msgId, payload, json };
    });
  },

  entityMerged(tenant: string, actor: Actor, merge: MergeView): OutboxMessage {
    const msgId = `merge:${merge.id}`;
    return { subject: entityMerged.subject, msgId, payload: entityMerged.payload.parse({ eventId: msgId, ...envelope(tenant, actor), merge }) };
  },

  entityUnmerged(tenant: string, actor: Actor, merge: MergeView): OutboxMessage {
    const msgId = `unmerge:${merge.id}`;
    return { subject: entityUnmerged.subject, msgId, payload: entityUnmerged.payload.parse({ eventId: msgId, ...envelope(tenant, actor), merge }) };
  },

  typesChanged(tenant: string, actor: Actor, document: OntologyDocument): OutboxMessage {
    const msgId = `types:${tenant}:${document.version}`;
    return { subject: typesChanged.subject, msgId, payload: typesChanged.payload.parse({ eventId: msgId, ...envelope(tenant, actor), document }) };
  },

  /** One audit event (`@vigie/audit-contracts`), its id also its `Nats-Msg-Id`. */
  audit(
    tenant: string,
    actor: Actor,
    action: string,
    resources: { type: string; id: string }[],
    details: Record<string, unknown>,
    outcome: AuditEvent['outcome'] = 'success',
  ): OutboxMessage {
    const event: AuditEvent = {
      id: randomUUID(),
      time: new Date().toISOString(),
      tenant,
      actor: { sub: actor.subject, ...(actor.username ? { username: actor.username } : {}), roles: actor.roles.slice(0, 100), ...(actor.clientId ? { clientId: actor.clientId } : {}), kind: actor.kind },
      action,
      resources: resources.slice(0, 1000),
      purpose: actor.purpose ?? null,
      outcome,
      traceId: traceId(),
      service: 'ontology',
      details: JSON.parse(JSON.stringify(details)),
    };
    const contract = auditEventContractFor(action);
    return { subject: contract.subject, msgId: event.id, payload: contract.payload.parse(event) };
  },
};
