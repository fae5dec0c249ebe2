import { headers as natsHeaders, MsgHdrs } from 'nats';
import { Headers } from '@vigie/shared-contracts';
import { injectTraceContext } from '@vigie/shared-telemetry';
import { currentCaller } from './caller-context';

export interface OutgoingContext {
  /** `Bearer <jwt>`; defaults to the token of the request being handled. */
  authorization?: string;
  /** Purpose (JSON string or object); defaults to the purpose of the request being handled. */
  purpose?: string | { caseRef: string; justification: string };
  /** Deduplication id, for stream messages. */
  msgId?: string;
}

/**
 * Headers every outgoing message carries: W3C `traceparent` from the active span, the caller's
 * bearer token and purpose (forwarded from the request being handled unless given), and
 * `Nats-Msg-Id` for stream publishes.
 */
export function outgoingHeaders(ctx: OutgoingContext = {}): MsgHdrs {
  const h = natsHeaders();
  injectTraceContext((key, value) => h.set(key, value));
  const caller = currentCaller();
  const authorization = ctx.authorization ?? caller?.authorization;
  if (authorization) h.set(Headers.authorization, authorization);
  const purpose = ctx.purpose ?? caller?.purpose;
  if (purpose) h.set(Headers.purpose, typeof purpose === 'string' ? purpose : JSON.stringify(purpose));
  if (ctx.msgId) h.set(Headers.msgId, ctx.msgId);
  return h;
}

/** Reads one header from a NATS message (undefined when absent). */
export function readHeader(h: MsgHdrs | undefined, name: string): string | undefined {
  if (!h) return undefined;
  const value = h.get(name);
  return value === '' ? undefined : value;
}
