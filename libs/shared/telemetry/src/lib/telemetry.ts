import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SimpleSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace';
import { baseConfigSchema, configOrExit, VIGIE_VERSION } from '@vigie/shared-config';
import { FileSpanExporter } from './file-span.exporter';

export interface TelemetryOptions {
  service: string;
  version: string;
  /** OTLP/HTTP collector endpoint, e.g. `http://otel-collector:4318`. */
  otlpEndpoint?: string;
  /** Write finished spans as NDJSON to this file (tests, local debugging). */
  traceFile?: string;
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry for this process: W3C trace context propagation, HTTP and PostgreSQL
 * instrumentation, and exporters as configured. Call it before the modules it instruments are
 * loaded (first import of `main.ts`). Spans are always created, so trace ids reach logs and
 * NATS headers even when nothing exports them.
 */
export function startTelemetry(options: TelemetryOptions): void {
  if (sdk) return;
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    spanProcessors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
      }),
    );
  }
  if (options.traceFile) {
    spanProcessors.push(new SimpleSpanProcessor({ exporter: new FileSpanExporter(options.traceFile, options.service) }));
  }
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': `vigie-${options.service}`, 'service.version': options.version }),
    spanProcessors,
    // Metrics are served by prom-client on /metrics and logs go to stdout: no OTLP metrics or logs
    // push. Left to the SDK's environment defaults, both push to localhost:4318 and their retried
    // final flush held every shutdown ~9 s where no collector listens.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
    autoDetectResources: false,
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/** Trace id of the active span, if any (for logs and audit events). */
export function currentTraceId(): string | undefined {
  const span = trace.getSpan(context.active());
  const id = span?.spanContext().traceId;
  return id && !/^0+$/.test(id) ? id : undefined;
}

/** Writes the active trace context into a carrier through a setter (e.g. NATS headers). */
export function injectTraceContext(set: (key: string, value: string) => void): void {
  propagation.inject(context.active(), {}, { set: (_carrier, key, value) => set(key, value) });
}

export { context, propagation, trace };

/**
 * First thing a service's `main.ts` does (through its `instrument.ts`, imported first): start
 * telemetry before the modules it instruments (http, pg) are loaded.
 */
export function instrumentService(service: string): void {
  const config = configOrExit(service, baseConfigSchema.pick({ OTEL_EXPORTER_OTLP_ENDPOINT: true, VIGIE_TRACE_FILE: true }));
  startTelemetry({ service, version: VIGIE_VERSION, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, traceFile: config.VIGIE_TRACE_FILE });
}
