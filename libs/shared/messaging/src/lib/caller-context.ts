import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who a request is being handled for, as received in the message headers. The token is forwarded
 * unchanged on every request the handler makes, and re-verified by each receiving service — a
 * user id in a payload is never trusted.
 */
export interface CallerContext {
  /** `Bearer <jwt>` as received, if any. */
  authorization?: string;
  /** Raw `x-purpose` header: JSON `{ caseRef, justification }`. */
  purpose?: string;
  /** The subject being handled. */
  subject?: string;
}

const storage = new AsyncLocalStorage<CallerContext>();

export function runWithCaller<T>(caller: CallerContext, fn: () => T): T {
  return storage.run(caller, fn);
}

export function currentCaller(): CallerContext | undefined {
  return storage.getStore();
}
