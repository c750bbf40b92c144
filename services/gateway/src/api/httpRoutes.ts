import type { TemplatedApp } from 'uWebSockets.js';
import type { Logger, MetricsRegistry } from '@switchboard/telemetry';
import { createDevTokenHandler, type DevTokenIssuer } from './devTokens';
import { respond } from './respond';
import { createStaticHandler } from './staticFiles';

export interface HttpRoutesDeps {
  readiness: () => { ready: boolean; reason?: string };
  /** What /metrics serves. */
  metrics: Pick<MetricsRegistry, 'render'>;
  staticDir: string | undefined;
  /** Set only when GATEWAY_DEV_TOKENS is on: serves GET /dev/token. */
  devTokens?: DevTokenIssuer;
  logger: Logger;
}

/** /healthz, /readyz, /metrics, the demo page when configured, and 404 for everything else. */
export function registerHttpRoutes(app: TemplatedApp, deps: HttpRoutesDeps): void {
  app.get('/healthz', (res) => respond(res, '200 OK', { live: true }));
  app.get('/readyz', (res) => {
    const state = deps.readiness();
    respond(res, state.ready ? '200 OK' : '503 Service Unavailable', state);
  });
  app.get('/metrics', (res) => respond(res, '200 OK', deps.metrics.render(), 'text/plain; version=0.0.4'));
  if (deps.devTokens) app.get('/dev/token', createDevTokenHandler(deps.devTokens));
  const serveStatic = deps.staticDir === undefined ? undefined : createStaticHandler(deps.staticDir, deps.logger);
  app.any('/*', (res, req) => {
    // A WebSocket upgrade on any path but /v1 lands here.
    if (serveStatic === undefined || req.getHeader('upgrade') !== '') {
      respond(res, '404 Not Found', { code: 'not_found', message: 'no such endpoint; WebSockets connect at /v1' });
      return;
    }
    serveStatic(res, req);
  });
}
