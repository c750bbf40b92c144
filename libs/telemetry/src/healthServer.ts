import { createServer, type Server } from 'node:http';
import type { MetricsRegistry } from './metrics';

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** Liveness: false only when the process should be restarted. */
  live: () => boolean;
  /** Readiness, with a reason when not ready. */
  ready: () => { ready: boolean; reason?: string };
  metrics: MetricsRegistry;
}

/** /healthz, /readyz and /metrics for services that have no other HTTP surface. */
export async function startHealthServer(options: HealthServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const live = options.live();
      res.writeHead(live ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ live }));
    } else if (path === '/readyz') {
      const state = options.ready();
      res.writeHead(state.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(state));
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(options.metrics.render());
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not_found' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return server;
}
