import pino, { Logger } from 'pino';
import { currentTraceId } from './telemetry';

/**
 * JSON logs (pino) carrying the active trace id, so a log line leads to its trace.
 * Secrets must never be passed to it; configuration is logged through `redactConfig`.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service: `vigie-${service}` },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const traceId = currentTraceId();
      return traceId ? { traceId } : {};
    },
    redact: { paths: ['*.authorization', '*.password', '*.token', 'headers.authorization'], censor: '***' },
  });
}

export type { Logger };
