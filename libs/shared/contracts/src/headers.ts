/** Message headers carried on every NATS message (own headers start with `x-`). */
export const Headers = {
  /** W3C trace context. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** The caller's bearer token (`Bearer <jwt>`), re-verified by the receiving service. */
  authorization: 'authorization',
  /** The stated purpose of the request: JSON `{ caseRef, justification }`. */
  purpose: 'x-purpose',
  /** Deduplication id of a stream message (NATS's own namespace; the one we set). */
  msgId: 'Nats-Msg-Id',
} as const;
