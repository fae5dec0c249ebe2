import { randomUUID } from 'node:crypto';
import { ErrorCode, JSONCodec, NatsConnection, NatsError } from 'nats';
import {
  ErrorKind,
  errorReplySchema,
  PlatformErrorCode,
  PlatformException,
  RequestContract,
  RequestOf,
  ResponseOf,
  validationError,
  VigieException,
} from '@vigie/shared-contracts';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { outgoingHeaders, OutgoingContext } from './headers';

const codec = JSONCodec<unknown>();
const tracer = trace.getTracer('vigie-messaging');

export interface RequestOptions extends OutgoingContext {
  timeoutMs?: number;
}

interface ReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * The one typed client for request/reply between services. Validates the request before it
 * leaves and the response when it arrives, always injects trace context, the caller's token and
 * purpose, and always has a timeout. Failures are typed: a remote error reply becomes a
 * {@link VigieException} with the remote code; no responder becomes `SERVICE_UNAVAILABLE`; a
 * timeout becomes `SERVICE_TIMEOUT`.
 */
export class ServiceClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs: number,
  ) {}

  async request<C extends RequestContract>(contract: C, payload: RequestOf<C>, options: RequestOptions = {}): Promise<ResponseOf<C>> {
    const parsed = contract.request.safeParse(payload);
    if (!parsed.success) throw validationError(`request to ${contract.subject}`, parsed.error);
    const timeout = options.timeoutMs ?? this.defaultTimeoutMs;
    const span = tracer.startSpan(`${contract.subject} send`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': contract.subject, 'messaging.operation.type': 'send' },
    });
    return context.with(trace.setSpan(context.active(), span), async () => {
      try {
        const packet = { id: randomUUID(), pattern: contract.subject, data: parsed.data };
        const msg = await this.nc
          .request(contract.subject, codec.encode(packet), { timeout, headers: outgoingHeaders(options) })
          .catch((error: unknown) => {
            throw transportError(contract.subject, timeout, error);
          });
        const reply = codec.decode(msg.data) as ReplyPacket;
        if (reply.err !== undefined) throw remoteError(contract.subject, reply.err);
        const response = contract.response.safeParse(reply.response);
        if (!response.success) {
          throw new PlatformException(
            PlatformErrorCode.Internal,
            ErrorKind.Internal,
            `Reply from ${contract.subject} does not match its contract: ${response.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        }
        span.setStatus({ code: SpanStatusCode.OK });
        return response.data as ResponseOf<C>;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}

function transportError(subject: string, timeoutMs: number, error: unknown): VigieException {
  const code = (error as NatsError | undefined)?.code;
  if (code === ErrorCode.NoResponders) {
    return new PlatformException(PlatformErrorCode.ServiceUnavailable, ErrorKind.Unavailable, `No service is answering ${subject}`, { subject });
  }
  if (code === ErrorCode.Timeout) {
    return new PlatformException(PlatformErrorCode.ServiceTimeout, ErrorKind.Timeout, `${subject} did not answer within ${timeoutMs} ms`, { subject, timeoutMs });
  }
  return new PlatformException(PlatformErrorCode.ServiceUnavailable, ErrorKind.Unavailable, `Messaging failed for ${subject}: ${(error as Error).message}`, { subject });
}

function remoteError(subject: string, err: unknown): VigieException {
  const typed = errorReplySchema.safeParse(err);
  if (typed.success) return VigieException.fromReply(typed.data);
  return new PlatformException(PlatformErrorCode.Internal, ErrorKind.Internal, `${subject} failed without a typed error`, { subject });
}
