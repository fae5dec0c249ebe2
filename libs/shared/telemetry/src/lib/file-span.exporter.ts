import { appendFileSync } from 'node:fs';
import { ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** One finished span as written by {@link FileSpanExporter}: one JSON object a line. */
export interface SpanRecord {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  durationMs: number;
  attributes: Record<string, unknown>;
}

/**
 * Appends finished spans as NDJSON to a file. Used by tests and local debugging to see one
 * trace cross several processes without running a collector.
 */
export class FileSpanExporter implements SpanExporter {
  constructor(
    private readonly path: string,
    private readonly service: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      const lines = spans.map((span) => {
        const record: SpanRecord = {
          service: this.service,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: span.parentSpanContext?.spanId,
          name: span.name,
          kind: span.kind,
          startMs: hrTimeToMilliseconds(span.startTime),
          durationMs: hrTimeToMilliseconds(span.duration),
          attributes: { ...span.attributes },
        };
        return JSON.stringify(record);
      });
      appendFileSync(this.path, lines.join('\n') + '\n');
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {
    return;
  }
}
