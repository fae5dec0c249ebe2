import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NatsContext, ServerNats } from '@nestjs/microservices';
import type { Msg, MsgHdrs, NatsConnection, NatsError } from 'nats';
import { ErrorKind, ErrorReply, Headers, PlatformErrorCode } from '@vigie/shared-contracts';
import { runWithCaller } from './caller-context';
import { NatsConnectionConfig, natsConnectionOptions } from './nats-connection';
import { readHeader } from './headers';

const tracer = trace.getTracer('vigie-messaging');

interface ReplyPacket {
  id?: string;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * The Nest NATS transport with the platform's conventions: a queue group named after the service
 * (replicas share requests), one server span per request continuing the caller's W3C trace, the
 * caller's token and purpose available to the handler (and forwarded on its own requests), and a
 * graceful drain on shutdown: stop taking requests, finish those in flight, then close.
 */
export class VigieNatsServer extends ServerNats {
  private readonly spans = new WeakMap<Msg, ReturnType<typeof tracer.startSpan>>();

  constructor(config: NatsConnectionConfig, service: string) {
    super({ ...natsConnectionOptions(config, `vigie-${service}`), queue: service });
  }

  override async handleMessage(channel: string, natsMsg: Msg): Promise<void> {
    const carrier = natsMsg.headers;
    const parent = propagation.extract(ROOT_CONTEXT, carrier, {
      get: (h: MsgHdrs | undefined, key: string) => readHeader(h, key),
      keys: (h: MsgHdrs | undefined) => (h ? Array.from(h.keys()) : []),
    });
    const span = tracer.startSpan(
      `${channel} process`,
      { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.destination.name': channel, 'messaging.operation.type': 'process' } },
      parent,
    );
    this.spans.set(natsMsg, span);
    const caller = {
      authorization: readHeader(carrier, Headers.authorization),
      purpose: readHeader(carrier, Headers.purpose),
      subject: natsMsg.subject,
    };
    try {
      await context.with(trace.setSpan(parent, span), () => runWithCaller(caller, () => super.handleMessage(channel, natsMsg)));
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      span.end();
      throw error;
    }
    if (!natsMsg.reply) span.end();
  }

  override getPublisher(natsMsg: Msg, id: string, ctx: NatsContext): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx);
    return (response: unknown) => {
      const packet = response as ReplyPacket;
      const span = this.spans.get(natsMsg);
      if (span && packet.isDisposed) {
        span.setStatus(packet.err === undefined ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR });
        span.end();
        this.spans.delete(natsMsg);
      }
      try {
        return publish(response);
      } catch (error) {
        // An answer above the server's maximum payload cannot be sent: the caller gets a typed
        // error naming the limit (instead of a timeout), and the service keeps running.
        if ((error as NatsError).code !== 'MAX_PAYLOAD_EXCEEDED') throw error;
        return publish({ id: packet.id, err: tooLargeReply(natsMsg.subject, this.maxPayload()), isDisposed: true });
      }
    };
  }

  private maxPayload(): number | undefined {
    const nc = (this as unknown as { natsClient: NatsConnection | null }).natsClient;
    return nc?.info?.max_payload;
  }

  override async close(): Promise<void> {
    const nc = (this as unknown as { natsClient: NatsConnection | null }).natsClient;
    // Idempotent: a second close while draining must not throw CONNECTION_DRAINING.
    if (nc && !nc.isClosed() && !nc.isDraining()) {
      await nc.drain();
    }
    await super.close();
  }
}

export function tooLargeReply(subject: string, maxPayload: number | undefined): ErrorReply {
  return {
    code: PlatformErrorCode.ResponseTooLarge,
    kind: ErrorKind.TooLarge,
    message: `The answer to ${subject} is larger than the messaging limit${maxPayload ? ` (${maxPayload} bytes)` : ''}: ask for less (a smaller page or limit, fewer fields)`,
    details: { subject, ...(maxPayload ? { maxPayloadBytes: maxPayload } : {}) },
  };
}
