import { createServer, Server } from 'node:http';
import { ServiceMetrics } from '@vigie/shared-telemetry';

/** The gateway's internal port: liveness, readiness and Prometheus metrics, never exposed by the Ingress. */
export function startInternalHttp(port: number, metrics: ServiceMetrics, ready: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
    } else if (url === '/health' || url === '/health/ready') {
      const ok = ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'up' : 'down' }));
    } else if (url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(port, '0.0.0.0', () => resolve(server)));
}
