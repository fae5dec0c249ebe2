import { AckPolicy, ConsumerConfig, DiscardPolicy, JetStreamManager, nanos, RetentionPolicy, StorageType, StreamConfig } from 'nats';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The platform's durable streams. Stream subjects carry their own token (`events`, `batches`,
 * `deadletter`) so that no stream ever captures a request.
 */
export const STREAMS = {
  /** Mapped batches for the ontology writer; the ontology owns this input contract. */
  INGEST: {
    name: 'INGEST',
    subjects: ['ontology.v1.batches.>'],
    retention: RetentionPolicy.Workqueue,
    description: 'Batches of mapped objects and links, consumed by the ontology writer',
  },
  /** What changed in the ontology, for projections. */
  ONTOLOGY: {
    name: 'ONTOLOGY',
    subjects: ['ontology.v1.events.>'],
    retention: RetentionPolicy.Limits,
    maxAgeMs: 30 * DAY_MS,
    description: 'Changes of objects, links and entities, for projections',
  },
  /** Every audited act; the audit service is its durable consumer. */
  AUDIT: {
    name: 'AUDIT',
    subjects: ['audit.v1.events.>'],
    retention: RetentionPolicy.Limits,
    maxAgeMs: 30 * DAY_MS,
    description: 'Audit events of every service, appended to the hash chain by the audit service',
  },
  /** Poison messages, with the reason, for an operator to inspect and replay. */
  DEADLETTER: {
    name: 'DEADLETTER',
    subjects: ['*.v1.deadletter.>'],
    retention: RetentionPolicy.Limits,
    maxAgeMs: 90 * DAY_MS,
    description: 'Messages a consumer gave up on, with the reason',
  },
} as const;

export type StreamName = keyof typeof STREAMS;

export interface StreamSetupOptions {
  /** Replicas per stream: 1 locally, 3 in production (a NATS cluster). */
  replicas: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. */
  duplicateWindowMs?: number;
}

export function streamConfig(name: StreamName, options: StreamSetupOptions): Partial<StreamConfig> & { name: string } {
  const def = STREAMS[name];
  return {
    name: def.name,
    description: def.description,
    subjects: [...def.subjects],
    retention: def.retention,
    storage: StorageType.File,
    num_replicas: options.replicas,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60 * 1000),
    max_age: 'maxAgeMs' in def ? nanos(def.maxAgeMs) : 0,
  };
}

/** Creates or updates every platform stream. Idempotent: the setup command runs it like a migration. */
export async function setupStreams(jsm: JetStreamManager, options: StreamSetupOptions): Promise<{ name: string; action: 'created' | 'updated' }[]> {
  const results: { name: string; action: 'created' | 'updated' }[] = [];
  for (const name of Object.keys(STREAMS) as StreamName[]) {
    const config = streamConfig(name, options);
    const existing = await jsm.streams.info(config.name).catch(() => undefined);
    if (existing) {
      await jsm.streams.update(config.name, { ...existing.config, ...config });
      results.push({ name: config.name, action: 'updated' });
    } else {
      await jsm.streams.add(config);
      results.push({ name: config.name, action: 'created' });
    }
  }
  return results;
}

export interface DurableConsumerDeclaration {
  stream: StreamName;
  durable: string;
  filterSubject?: string;
  /** Deliveries before a message is dead-lettered. */
  maxDeliver?: number;
  /**
   * The server never gives up on a message (`max_deliver: -1`); `maxDeliver` then bounds only the
   * consumer's own failed handlings of a message (counted in the process). For a consumer that
   * holds at subjects it does not know (`knownSubjects`): each hold is a delivery, and a server
   * count would run out and skip the held message (ADR 0015).
   */
  redeliverForever?: boolean;
  /** Delays before a failed message is redelivered (`nak`), growing; the last one repeats. */
  backoffMs?: number[];
  /** How long a delivered message may stay unacknowledged before JetStream redelivers it. */
  ackWaitMs?: number;
  maxAckPending?: number;
}

export function consumerConfig(decl: DurableConsumerDeclaration): Partial<ConsumerConfig> & { durable_name: string } {
  // No JetStream `backoff`: on NATS it replaces `ack_wait`, so a batch taking longer than its
  // first step would be redelivered while still being handled. Redelivery after a failure is
  // paced by the consumer's own `nak(delay)` (`backoffMs`); `ack_wait` only covers a crashed
  // consumer, and long batches extend it with `working()`.
  return {
    durable_name: decl.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(decl.ackWaitMs ?? 30_000),
    max_deliver: decl.redeliverForever ? -1 : (decl.maxDeliver ?? 8),
    max_ack_pending: decl.maxAckPending ?? 1000,
    ...(decl.filterSubject ? { filter_subject: decl.filterSubject } : {}),
  };
}

/** Creates or updates a durable pull consumer. Idempotent. */
export async function setupConsumer(jsm: JetStreamManager, decl: DurableConsumerDeclaration): Promise<'created' | 'updated'> {
  const config = consumerConfig(decl);
  const existing = await jsm.consumers.info(decl.stream, decl.durable).catch(() => undefined);
  if (existing) {
    await jsm.consumers.update(decl.stream, decl.durable, config);
    return 'updated';
  }
  await jsm.consumers.add(decl.stream, config);
  return 'created';
}
