import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one service process, served on its internal `/metrics`. */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'vigie_requests_total',
    help: 'Requests handled, by transport, operation and outcome',
    labelNames: ['transport', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'vigie_request_duration_seconds',
    help: 'Request handling time, by transport and operation',
    labelNames: ['transport', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(service: string) {
    this.registry.setDefaultLabels({ service: `vigie-${service}` });
    collectDefaultMetrics({ register: this.registry });
  }

  observe(transport: 'nats' | 'http', operation: string, outcome: string, seconds: number): void {
    this.requests.inc({ transport, operation, outcome });
    this.requestDuration.observe({ transport, operation }, seconds);
  }
}
