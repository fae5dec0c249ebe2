import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { JsMsg, NatsConnection } from 'nats';
import { z } from 'zod';
import { ANALYTICS_DEADLETTER_ONTOLOGY, ANALYTICS_PROJECTOR_DURABLE } from '@vigie/analytics-contracts';
import { AnalyticsDb, ProjectionWriter } from '@vigie/analytics-data-access';
import {
  batchProcessed,
  batchProcessedPayloadSchema,
  entityMerged,
  entityMergedPayloadSchema,
  entityUnmerged,
  linkChanged,
  linkChangedPayloadSchema,
  LinkView,
  objectChanged,
  objectChangedPayloadSchema,
  ObjectView,
  OntologyDocument,
  ONTOLOGY_STREAM,
  recordsChanged,
  recordsChangedPayloadSchema,
  typesChanged,
  typesChangedPayloadSchema,
} from '@vigie/ontology-contracts';
import { EventContract } from '@vigie/shared-contracts';
import { ConsumerHold, ConsumerLogger, DurableConsumer, DurableConsumerDeclaration, DurableConsumerOptions, NATS_CONNECTION, PoisonMessageError } from '@vigie/shared-messaging';
import { createLogger, Logger } from '@vigie/shared-telemetry';
import { ANALYTICS_CONFIG } from './tokens';
import type { AnalyticsFeatureConfig } from './analytics-feature.config';
import { ProjectionLagMonitor } from './projection-lag.monitor';

/** The durable consumer the service definition declares (created by `setup-streams`). */
export const ANALYTICS_PROJECTOR_CONSUMER: DurableConsumerDeclaration = {
  stream: ONTOLOGY_STREAM,
  durable: ANALYTICS_PROJECTOR_DURABLE,
  maxAckPending: 2000,
  backoffMs: [5000, 15000, 30000, 60000],
  // A failed event is dead-lettered after 8 failed handlings, counted by the projector itself; the
  // server redelivers forever so that a hold at an unknown subject never runs out (ADR 0015).
  maxDeliver: 8,
  redeliverForever: true,
};

/**
 * Every ONTOLOGY subject this build understands (applied or deliberately ignored). An event on any
 * other subject holds the projector until a replica that knows it takes it (ADR 0015): add the
 * subject here when the ontology adds an event.
 */
export const PROJECTOR_KNOWN_SUBJECTS: readonly string[] = [
  objectChanged.subject,
  linkChanged.subject,
  recordsChanged.subject,
  typesChanged.subject,
  entityMerged.subject,
  entityUnmerged.subject,
  batchProcessed.subject,
];

/** Bytes per pull (instead of PROJECTION_BATCH_SIZE): above the server's 1 MiB maximum payload (NATS default, kept by the chart), so any single message fits. */
const PROJECTION_PULL_MAX_BYTES = 2 * 1024 * 1024;
/** Records applied per statement group inside a pull's transaction. */
const APPLY_SLICE = 2000;

/** Every ONTOLOGY event; dispatched by subject after this first check. */
const ontologyEvent: EventContract = {
  kind: 'event',
  subject: 'ontology.v1.events.>',
  stream: ONTOLOGY_STREAM,
  description: 'Any ONTOLOGY event',
  payload: z.union([objectChangedPayloadSchema, linkChangedPayloadSchema, recordsChangedPayloadSchema, typesChangedPayloadSchema, entityMergedPayloadSchema, batchProcessedPayloadSchema]),
};

/** The projector's consumer: known subjects, hold and poison handling as the service runs it. */
export function ontologyProjectorConsumerOptions(options: {
  batchSize: number;
  holdDelayMs: number;
  logger: ConsumerLogger;
  onHold(hold: ConsumerHold | undefined): void;
  handleBatch(items: { payload: unknown; msg: JsMsg }[]): Promise<void>;
}): DurableConsumerOptions<EventContract> {
  return {
    ...ANALYTICS_PROJECTOR_CONSUMER,
    contract: ontologyEvent,
    deadLetterSubject: ANALYTICS_DEADLETTER_ONTOLOGY,
    batchSize: options.batchSize,
    // `records.changed` pages carry up to 512 KiB each: a pull holds a bounded amount of them.
    maxBytes: PROJECTION_PULL_MAX_BYTES,
    knownSubjects: PROJECTOR_KNOWN_SUBJECTS,
    holdDelayMs: options.holdDelayMs,
    upgradeHint: 'upgrade analytics',
    onHold: options.onHold,
    logger: options.logger,
    handleBatch: options.handleBatch,
  };
}

/**
 * Builds the projections from the ONTOLOGY stream: one transaction per fetched batch, each event
 * applied only if newer than what is stored (idempotent on redelivery), catch-up after a restart
 * from the durable consumer's ack floor.
 */
@Injectable()
export class OntologyProjector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: DurableConsumer<EventContract>;
  private readonly writer = new ProjectionWriter();
  private readonly logger: Logger;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly db: AnalyticsDb,
    private readonly lag: ProjectionLagMonitor,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsFeatureConfig,
  ) {
    this.logger = createLogger('analytics', config.LOG_LEVEL).child({ component: 'ontology-projector' });
  }

  onApplicationBootstrap(): void {
    this.consumer = new DurableConsumer(
      this.nc,
      ontologyProjectorConsumerOptions({
        batchSize: this.config.PROJECTION_BATCH_SIZE,
        holdDelayMs: this.config.PROJECTION_HOLD_DELAY_MS,
        logger: this.logger,
        onHold: (hold) => this.lag.held(hold),
        handleBatch: (items) => this.apply(items),
      }),
    );
    this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /**
   * Applies a batch in one transaction, set-based: type documents, then objects, then links.
   * Every state carries its version, so the order inside a batch does not change the result: a
   * link takes its ends' current rows, and an object change is copied into the links already there.
   */
  async apply(items: { payload: unknown; msg: JsMsg }[]): Promise<void> {
    let lastAt: string | null = null;
    const objects: { tenant: string; object: ObjectView; occurredAt: string }[] = [];
    const links: { tenant: string; link: LinkView; occurredAt: string }[] = [];
    const types: { tenant: string; document: OntologyDocument }[] = [];
    for (const { payload, msg } of items) {
      const subject = msg.subject;
      if (subject === objectChanged.subject) {
        const e = ofSubject(objectChanged.payload, payload, msg, (p) => isRecord(p['object']));
        objects.push({ tenant: e.tenant, object: e.object, occurredAt: e.occurredAt });
        lastAt = e.occurredAt;
      } else if (subject === linkChanged.subject) {
        const e = ofSubject(linkChanged.payload, payload, msg, (p) => isRecord(p['link']));
        links.push({ tenant: e.tenant, link: e.link, occurredAt: e.occurredAt });
        lastAt = e.occurredAt;
      } else if (subject === recordsChanged.subject) {
        // An ingest batch's changes in one message: applied exactly as their single events would be.
        const e = ofSubject(recordsChanged.payload, payload, msg, (p) => Array.isArray(p['objects']) && Array.isArray(p['links']));
        for (const o of e.objects) objects.push({ tenant: e.tenant, object: o.object, occurredAt: e.occurredAt });
        for (const l of e.links) links.push({ tenant: e.tenant, link: l.link, occurredAt: e.occurredAt });
        lastAt = e.occurredAt;
      } else if (subject === typesChanged.subject) {
        const e = ofSubject(typesChanged.payload, payload, msg, (p) => isRecord(p['document']));
        types.push({ tenant: e.tenant, document: e.document });
        lastAt = e.occurredAt;
      }
      // Merges are carried by the objects' own events (entityId); batch reports concern ingestion.
    }
    if (!objects.length && !links.length && !types.length) return;
    await this.db.transaction(async (tx) => {
      for (const t of types) await this.writer.applyTypes(tx, t.tenant, t.document);
      // In slices (pages make a pull hold thousands of records); each change is applied only if
      // newer than what is stored, so slicing does not change the result.
      for (let i = 0; i < objects.length; i += APPLY_SLICE) await this.writer.applyObjects(tx, objects.slice(i, i + APPLY_SLICE));
      for (let i = 0; i < links.length; i += APPLY_SLICE) await this.writer.applyLinks(tx, links.slice(i, i + APPLY_SLICE));
    });
    if (lastAt) this.lag.applied(lastAt);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The payload of `subject` as its own contract reads it. The consumer has already parsed it against
 * the union of every ONTOLOGY payload (`ontologyEvent`): zod returns the first member that matches,
 * without the keys that member does not know. So when the parsed payload still holds the key only
 * the subject's own member keeps (`object`, `link`, `objects` + `links` as lists, `document`), that
 * member is the one that matched and its parse is the payload: a page is not validated twice (half
 * of the projector's validation work). Otherwise the message's data is parsed again against the
 * subject's contract, as before: a payload that breaks it is poison (dead-lettered).
 */
export function ofSubject<T extends z.ZodType>(schema: T, payload: unknown, msg: Pick<JsMsg, 'data' | 'subject'>, matched: (p: Record<string, unknown>) => boolean): z.infer<T> {
  if (isRecord(payload) && matched(payload)) return payload as z.infer<T>;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(msg.data).toString('utf8'));
  } catch {
    throw new PoisonMessageError(`payload of ${msg.subject} is not JSON`);
  }
  return parse(schema, raw, msg.subject);
}

function parse<T extends z.ZodType>(schema: T, payload: unknown, subject: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (!r.success) throw new PoisonMessageError(`payload of ${subject} does not match its contract: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}
