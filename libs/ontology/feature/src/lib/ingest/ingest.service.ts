import { timeOrderedId } from '@vigie/shared-persistence';
import { Injectable } from '@nestjs/common';
import { Actor } from '@vigie/shared-auth';
import {
  BatchProcessedPayload,
  batchProcessed,
  BatchRejection,
  ChangeKind,
  IngestBatch,
  LinkType,
  LinkView,
  ObjectType,
  ObjectView,
  OntologyException,
  PropertyEntry,
  Provenance,
} from '@vigie/ontology-contracts';
import {
  EndObject,
  endKey,
  IngestWriter,
  LinkRecordToWrite,
  markingOf,
  ObjectRecordToWrite,
  OntologyDatabase,
  OutboxMessage,
  OutboxRepository,
  PendingOutboxMessage,
  rankOf,
  Sql,
} from '@vigie/ontology-data-access';
import { assertLinkEnds, assertValidity, changedProperties, diffVersions, validateProperties } from '@vigie/ontology-domain';
import { PolicyAction } from '@vigie/shared-policy';
import { requirePermission } from '../services/access';
import { OntologyEvents } from '../services/ontology-events';
import { OntologyTypesService } from '../services/ontology-types.service';
import { OutboxPublisher } from '../services/outbox-publisher.service';
import { newEntries } from '../services/property-entries';
import { ResolutionEngine } from '../resolution/resolution-engine';
import { assertWithinUploaderClearance } from './uploader-clearance';
import { contentHash, normaliseMarking, toLinkView, toObjectView } from '../views/object-state';

type Rejection = Omit<BatchRejection, 'kind'>;

/** A batch written by `IngestService.writeMany`, committed, not yet published. */
export interface IngestWritten {
  processed: BatchProcessedPayload;
  /** The batch's outbox messages (changes, audit event, report) with their outbox ids, for `publishMessages`. */
  messages: PendingOutboxMessage[];
  /** Outbox ids of the merge events the deterministic resolution added, for `publish` by id. */
  resolutionOutboxIds: string[];
}

interface PreparedBatch {
  actor: Actor;
  batch: IngestBatch;
  tenant: string;
  document: Awaited<ReturnType<OntologyTypesService['current']>>['document'];
  objectTypes: Map<string, ObjectType>;
  linkTypes: Map<string, LinkType>;
  rejected: BatchRejection[];
  provenanceOf: (p: { recordKey?: string; line?: number }) => Provenance;
  objects: (ObjectRecordToWrite & { typeDef: ObjectType })[];
}


function reject(sourceKey: string, provenance: { recordKey?: string; line?: number }, code: string, message: string): Rejection {
  return { sourceKey, ...(provenance.recordKey ? { recordKey: provenance.recordKey } : {}), ...(provenance.line !== undefined ? { line: provenance.line } : {}), code, message };
}

function changedBetween(before: { properties: Record<string, PropertyEntry> | null; level_rank: number; compartments: string[] }, properties: Record<string, PropertyEntry>, levelRank: number, compartments: string[]): string[] {
  return changedProperties(
    diffVersions(
      // (`properties` is read for every stored record whose content hash differs, i.e. every one this is called for.)
      { properties: before.properties ?? {}, markings: markingOf(before.level_rank, before.compartments), deletedAt: null },
      { properties, markings: markingOf(levelRank, compartments), deletedAt: null },
    ),
  );
}

/**
 * Writes INGEST batches idempotently, keyed by (tenant, source, sourceKey): records are validated
 * and normalised with `@vigie/ontology-domain` (failures are reported back per record, for
 * quarantine), unchanged records are skipped (no spurious version), the rest is written by
 * `IngestWriter` in set-based statements, link ends are resolved by (source, sourceKey), the
 * deterministic pass of entity resolution runs on the written rows (fuzzy matching is left to the
 * background resolver, ADR 0013), and a `batch.processed` event reports it all.
 */
@Injectable()
export class IngestService {
  private readonly writer = new IngestWriter();
  private readonly outbox = new OutboxRepository();

  constructor(
    private readonly db: OntologyDatabase,
    private readonly types: OntologyTypesService,
    private readonly outboxPublisher: OutboxPublisher,
    private readonly resolution: ResolutionEngine,
  ) {}

  /**
   * Writes one batch in ONE transaction (records, history, deterministic resolution, events and the
   * `batch.processed` report in the outbox), then publishes exactly the outbox messages it
   * committed (from memory, then deletes their rows); a failed publish leaves them for the next flush.
   */
  async write(actor: Actor, batch: IngestBatch): Promise<BatchProcessedPayload> {
    const [written] = await this.writeMany([{ actor, batch }]);
    await this.publishWritten([written]);
    return written.processed;
  }

  /**
   * `write` without publishing: returns the ids of the outbox messages it committed, for the caller
   * to publish (`OutboxPublisher.publish`).
   */
  async writeUnpublished(actor: Actor, batch: IngestBatch): Promise<{ processed: BatchProcessedPayload; outboxIds: string[] }> {
    const [written] = await this.writeMany([{ actor, batch }]);
    return { processed: written.processed, outboxIds: [...written.resolutionOutboxIds, ...written.messages.map((m) => m.id)] };
  }

  /**
   * Writes several batches in ONE transaction, one after the other (each sees the previous ones'
   * rows, exactly as if written in turn; each has its own `batch.processed` report and audit event),
   * with ONE outbox row (a bundle) for all their messages. Nothing is published: the caller publishes with
   * `publishWritten` once this resolved (committed). Any failure rolls every batch back — the INGEST
   * consumer then retries the messages one by one, so one refused batch does not hold the others.
   */
  async writeMany(items: readonly { actor: Actor; batch: IngestBatch }[]): Promise<IngestWritten[]> {
    const prepared: PreparedBatch[] = [];
    for (const { actor, batch } of items) prepared.push(await this.prepare(actor, batch));
    return this.db.transaction(async (sql) => {
      const results: { processed: BatchProcessedPayload; events: OutboxMessage[]; resolutionOutboxIds: string[] }[] = [];
      for (const p of prepared) results.push(await this.writeIn(sql, p));
      // All the pull's messages in ONE outbox row (a bundle), committed with the data.
      const first = prepared[0];
      const added = first ? await this.outbox.addBundle(sql, first.tenant, `bundle:${first.batch.jobId}:${first.batch.seq}`, results.flatMap((r) => r.events)) : [];
      let offset = 0;
      return results.map((r) => {
        const messages = added.slice(offset, offset + r.events.length);
        offset += r.events.length;
        return { processed: r.processed, messages, resolutionOutboxIds: r.resolutionOutboxIds };
      });
    });
  }

  /**
   * Publishes what `writeMany` committed: the batches' messages from memory, the resolution's merge
   * events by id. Throws if JetStream did not acknowledge (the rows stay for the periodic flush).
   */
  async publishWritten(written: readonly IngestWritten[]): Promise<void> {
    await Promise.all([
      this.outboxPublisher.publishMessages(written.flatMap((w) => w.messages)),
      this.outboxPublisher.publish(written.flatMap((w) => w.resolutionOutboxIds)),
    ]);
  }

  /** Checks and normalises a batch before any SQL (pure, except the tenant's ontology document). */
  private async prepare(actor: Actor, batch: IngestBatch): Promise<PreparedBatch> {
    requirePermission(actor, PolicyAction.Ingest);
    assertWithinUploaderClearance(batch);
    const tenant = actor.tenant;
    const { document } = await this.types.current(tenant);
    const objectTypes = new Map(document.objectTypes.map((t) => [t.name, t] as const));
    const linkTypes = new Map(document.linkTypes.map((t) => [t.name, t] as const));
    const rejected: BatchRejection[] = [];
    const provenanceOf = (p: { recordKey?: string; line?: number }): Provenance => ({ source: batch.source, jobId: batch.jobId, ...(p.recordKey ? { recordKey: p.recordKey } : {}), ...(p.line !== undefined ? { line: p.line } : {}) });

    // Objects: validate and normalise (pure, before any SQL).
    const lastIndex = new Map(batch.objects.map((o, i) => [o.sourceKey, i] as const));
    const objects: (ObjectRecordToWrite & { typeDef: ObjectType })[] = [];
    batch.objects.forEach((o, i) => {
      const fail = (code: string, message: string) => rejected.push({ kind: 'object', ...reject(o.sourceKey, o.provenance, code, message) });
      if (lastIndex.get(o.sourceKey) !== i) return fail('DUPLICATE_SOURCE_KEY', `sourceKey ${o.sourceKey} appears again later in the batch; the last one is written`);
      const type = objectTypes.get(o.type);
      if (!type) return fail('UNKNOWN_TYPE', `Object type "${o.type}" does not exist in ontology version ${document.version}`);
      const { values, problems } = validateProperties(type, o.properties, 'create');
      if (problems.length) return fail(problems[0].code === 'INVALID_IDENTIFIER' ? 'INVALID_IDENTIFIER' : 'INVALID_PROPERTIES', problems.map((p) => p.message).join('; '));
      const markings = normaliseMarking(o.markings);
      const provenance = provenanceOf(o.provenance);
      let properties: Record<string, PropertyEntry>;
      try {
        properties = newEntries(undefined, type, values, markings, o.propertyMarkings, provenance);
      } catch (error) {
        return fail((error as OntologyException).code ?? 'INVALID_PROPERTIES', (error as Error).message);
      }
      objects.push({
        id: timeOrderedId(),
        type: type.name,
        typeDef: type,
        sourceKey: o.sourceKey,
        levelRank: rankOf(markings.level),
        compartments: markings.compartments,
        properties,
        provenance,
        contentHash: contentHash({ type: type.name, markings, properties }),
        changed: [],
      });
    });

    return { actor, batch, tenant, document, objectTypes, linkTypes, rejected, provenanceOf, objects };
  }

  /** The batch's statements inside the caller's transaction; returns its report and its outbox messages (not yet inserted). */
  private async writeIn(sql: Sql, p: PreparedBatch): Promise<{ processed: BatchProcessedPayload; events: OutboxMessage[]; resolutionOutboxIds: string[] }> {
    const { actor, batch, tenant, document, objectTypes, linkTypes, rejected, provenanceOf, objects } = p;
    const counts = { objects: { created: 0, updated: 0, unchanged: 0 }, links: { created: 0, updated: 0, unchanged: 0 } };
    const events: OutboxMessage[] = [];
    const objectChanges: { change: ChangeKind; object: ObjectView }[] = [];
    const linkChanges: { change: ChangeKind; link: LinkView }[] = [];

    {
      const stored = await this.writer.storedObjects(sql, tenant, batch.source, objects);
      // Link ends this batch already knows — its objects stored unchanged, or written below — need no query.
      const known = new Map<string, EndObject>();
      const toWrite: ObjectRecordToWrite[] = [];
      for (const o of objects) {
        const s = stored.get(o.sourceKey);
        if (s && s.type !== o.type) {
          rejected.push({ kind: 'object', sourceKey: o.sourceKey, code: 'TYPE_CHANGED', message: `sourceKey ${o.sourceKey} is stored as a ${s.type}, not a ${o.type}` });
          continue;
        }
        if (s && s.content_hash === o.contentHash) {
          counts.objects.unchanged++;
          known.set(endKey(batch.source, s.source_key), { id: s.id, type: s.type, source: batch.source, source_key: s.source_key, deleted_at: s.deleted_at });
          continue;
        }
        toWrite.push({ ...o, changed: s ? changedBetween(s, o.properties, o.levelRank, o.compartments) : Object.keys(o.properties).sort() });
      }
      const written = await this.writer.upsertObjects(sql, tenant, batch.source, toWrite, actor, actor.purpose);
      counts.objects.unchanged += toWrite.length - written.length;
      for (const row of written) {
        if (row.version === 1) counts.objects.created++;
        else counts.objects.updated++;
        objectChanges.push({ change: row.version === 1 ? 'created' : 'updated', object: toObjectView(row, objectTypes.get(row.type)) });
        if (row.source_key !== null) known.set(endKey(batch.source, row.source_key), { id: row.id, type: row.type, source: batch.source, source_key: row.source_key, deleted_at: row.deleted_at });
      }

      // Links: ends resolved by (source, sourceKey) — in this batch or already stored. Only ends the
      // batch does not know are read (other sources, earlier batches, records refused above).
      const ends = new Map(known);
      const refs = batch.links
        .flatMap((l) => [
          { source: l.fromSource ?? batch.source, sourceKey: l.fromSourceKey },
          { source: l.toSource ?? batch.source, sourceKey: l.toSourceKey },
        ])
        .filter((r) => !known.has(endKey(r.source, r.sourceKey)));
      for (const [key, end] of await this.writer.endObjects(sql, tenant, refs)) ends.set(key, end);
      const links: LinkRecordToWrite[] = [];
      const seen = new Map<string, number>();
      const keyOf = (l: IngestBatch['links'][number]) =>
        l.sourceKey ?? `${l.type}|${l.fromSource ?? batch.source}:${l.fromSourceKey}|${l.toSource ?? batch.source}:${l.toSourceKey}|${l.validFrom ?? ''}`;
      batch.links.forEach((l, i) => seen.set(keyOf(l), i));
      batch.links.forEach((l, i) => {
        const sourceKey = keyOf(l);
        const fail = (code: string, message: string) => rejected.push({ kind: 'link', ...reject(sourceKey, l.provenance, code, message) });
        if (seen.get(sourceKey) !== i) return fail('DUPLICATE_SOURCE_KEY', `link ${sourceKey} appears again later in the batch; the last one is written`);
        const type: LinkType | undefined = linkTypes.get(l.type);
        if (!type) return fail('UNKNOWN_TYPE', `Link type "${l.type}" does not exist in ontology version ${document.version}`);
        const from = ends.get(endKey(l.fromSource ?? batch.source, l.fromSourceKey));
        const to = ends.get(endKey(l.toSource ?? batch.source, l.toSourceKey));
        if (!from || from.deleted_at) return fail('LINK_END_NOT_FOUND', `from: no object with sourceKey ${l.fromSourceKey} in source ${l.fromSource ?? batch.source}`);
        if (!to || to.deleted_at) return fail('LINK_END_NOT_FOUND', `to: no object with sourceKey ${l.toSourceKey} in source ${l.toSource ?? batch.source}`);
        try {
          assertLinkEnds(type, from.type, to.type);
          assertValidity(type, l.validFrom, l.validTo);
        } catch (error) {
          return fail((error as OntologyException).code, (error as Error).message);
        }
        const { values, problems } = validateProperties(type, l.properties, 'create');
        if (problems.length) return fail('INVALID_PROPERTIES', problems.map((p) => p.message).join('; '));
        const markings = normaliseMarking(l.markings);
        const provenance = provenanceOf(l.provenance);
        let properties: Record<string, PropertyEntry>;
        try {
          properties = newEntries(undefined, type, values, markings, l.propertyMarkings, provenance);
        } catch (error) {
          return fail((error as OntologyException).code ?? 'INVALID_PROPERTIES', (error as Error).message);
        }
        const validFrom = l.validFrom ?? null;
        const validTo = l.validTo ?? null;
        links.push({
          id: timeOrderedId(),
          type: type.name,
          sourceKey,
          fromId: from.id,
          toId: to.id,
          directed: type.directed,
          validFrom,
          validTo,
          levelRank: rankOf(markings.level),
          compartments: markings.compartments,
          properties,
          provenance,
          contentHash: contentHash({ type: type.name, markings, properties, extra: { f: from.id, t: to.id, vf: validFrom, vt: validTo } }),
          changed: [],
        });
      });
      const storedLinks = await this.writer.storedLinks(sql, tenant, batch.source, links);
      const linksToWrite: LinkRecordToWrite[] = [];
      for (const l of links) {
        const s = storedLinks.get(l.sourceKey);
        if (s && s.type !== l.type) {
          rejected.push({ kind: 'link', sourceKey: l.sourceKey, code: 'TYPE_CHANGED', message: `link ${l.sourceKey} is stored as ${s.type}, not ${l.type}` });
          continue;
        }
        if (s && s.content_hash === l.contentHash) {
          counts.links.unchanged++;
          continue;
        }
        linksToWrite.push({ ...l, changed: s ? changedBetween(s, l.properties, l.levelRank, l.compartments) : Object.keys(l.properties).sort() });
      }
      const writtenLinks = await this.writer.upsertLinks(sql, tenant, batch.source, linksToWrite, actor, actor.purpose);
      counts.links.unchanged += linksToWrite.length - writtenLinks.length;
      for (const row of writtenLinks) {
        if (row.version === 1) counts.links.created++;
        else counts.links.updated++;
        linkChanges.push({ change: row.version === 1 ? 'created' : 'updated', link: toLinkView(row) });
      }
      // The batch's changes in a few `records.changed` pages: one JetStream acknowledgement per page, not per record.
      events.push(...OntologyEvents.recordsChanged(tenant, actor, objectChanges, linkChanges));
      const changedIds = [...written.map((r) => ({ type: 'object', id: r.id })), ...writtenLinks.map((r) => ({ type: 'link', id: r.id }))];
      if (changedIds.length) {
        events.push(
          OntologyEvents.audit(tenant, actor, 'object.ingest', changedIds.slice(0, 1000), {
            jobId: batch.jobId,
            batchId: batch.batchId,
            seq: batch.seq,
            source: batch.source,
            objects: counts.objects,
            links: counts.links,
          }),
        );
      }
      // Deterministic entity resolution on the written rows, in this transaction; fuzzy matching is
      // queued for the background resolver (ADR 0013).
      // Its merge events go into this batch's messages (the pull's one outbox row), before the report.
      const er = await this.resolution.resolveWrittenIn(sql, tenant, document, written, actor, events);
      const processedId = `processed:${batch.jobId}:${batch.seq}`;
      const processed: BatchProcessedPayload = batchProcessed.payload.parse({
        eventId: processedId,
        tenant,
        occurredAt: new Date().toISOString(),
        actor: { subject: actor.subject, ...(actor.username ? { username: actor.username } : {}), kind: actor.kind },
        ...(actor.purpose ? { purpose: actor.purpose } : {}),
        batchId: batch.batchId,
        jobId: batch.jobId,
        source: batch.source,
        seq: batch.seq,
        last: batch.last,
        objects: counts.objects,
        links: counts.links,
        merged: er.merged,
        queuedForReview: er.queuedForReview,
        rejected,
        entityIds: er.entityIds,
      });
      // The changes, their audit event and the batch report: inserted into the outbox by the caller, committed with the data.
      return { processed, events: [...events, { subject: batchProcessed.subject, msgId: processedId, payload: processed }], resolutionOutboxIds: er.outboxIds ?? [] };
    }
  }
}
