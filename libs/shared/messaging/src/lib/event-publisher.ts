import { JetStreamClient, JSONCodec, NatsConnection, PubAck } from 'nats';
import { ErrorKind, EventContract, PayloadOf, PlatformErrorCode, PlatformException, validationError } from '@vigie/shared-contracts';
import { outgoingHeaders } from './headers';

const codec = JSONCodec<unknown>();

export interface PublishOptions {
  /** Full subject; defaults to the contract's subject. Publishers never use wildcards. */
  subject?: string;
  timeoutMs?: number;
}

/**
 * Publishes stream messages through JetStream and waits for the stream's acknowledgement. Every
 * message carries `Nats-Msg-Id` (so a retried publish is deduplicated), trace context and the
 * caller's token. Failure to reach JetStream is `SERVICE_UNAVAILABLE`, never silent.
 */
export class EventPublisher {
  private readonly js: JetStreamClient;

  constructor(
    nc: NatsConnection,
    private readonly defaultTimeoutMs: number,
  ) {
    this.js = nc.jetstream();
  }

  async publish<C extends EventContract>(contract: C, payload: PayloadOf<C>, msgId: string, options: PublishOptions = {}): Promise<PubAck> {
    const parsed = contract.payload.safeParse(payload);
    if (!parsed.success) throw validationError(`event ${contract.subject}`, parsed.error);
    return this.publishRaw(options.subject ?? contract.subject, codec.encode(parsed.data), msgId, options.timeoutMs);
  }

  /** For hot paths that already hold validated, encoded bytes. */
  async publishRaw(subject: string, data: Uint8Array, msgId: string, timeoutMs = this.defaultTimeoutMs): Promise<PubAck> {
    try {
      return await this.js.publish(subject, data, { msgID: msgId, headers: outgoingHeaders({ msgId }), timeout: timeoutMs });
    } catch (error) {
      throw new PlatformException(
        PlatformErrorCode.ServiceUnavailable,
        ErrorKind.Unavailable,
        `JetStream did not acknowledge ${subject}: ${(error as Error).message}`,
        { subject },
      );
    }
  }
}
