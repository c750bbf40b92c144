import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, MetricsRegistry } from '@switchboard/telemetry';
import type { CatchUpOutcome } from '../internal/logCatchUp';
import type { ProgressSignal } from '../internal/progressSignal';
import type { HistoryReader } from '../storage/interface';
import type { PersisterMetrics } from '../telemetry';
import { parseConversationId } from './params';
import { readJsonBody } from './readJsonBody';
import { errorAnswer, notFoundAnswer, writeJson, type JsonAnswer } from './respond';
import { createEventsRoute } from './routes/events';
import { createHistoryRoute } from './routes/history';
import { createSchemaRegistryRoute, isSchemaRegistryPath } from './routes/schemaRegistry';
import { createSyncRoute } from './routes/sync';

export interface ApiServerDeps {
  reader: HistoryReader;
  /** The installation's namespace, for the schema registry's `<topic>-value` subjects. */
  namespace: string;
  progress: ProgressSignal;
  readiness: () => Promise<{ ready: boolean; reason?: string }>;
  registry: MetricsRegistry;
  metrics: PersisterMetrics;
  logger: Logger;
  /** Pause between reads while waiting for a seq; see waitForSeq. */
  pollMs?: number;
  /** Waits, bounded, for the projection to reach the end of the log before a sync is answered. */
  catchUp?: () => Promise<CatchUpOutcome>;
}

export interface ApiServer {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting connections and resolves once open requests are answered. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const CONVERSATION_ROUTE = /^\/v1\/conversations\/([^/]+)\/(events|history)$/;

/**
 * The persister's internal HTTP API, called by gateways, with the health endpoints and the schema
 * registry (for the topics' readers) on the same port. Every answer is JSON except /metrics; errors are `{code, message}`.
 */
export function createApiServer(deps: ApiServerDeps): ApiServer {
  const events = createEventsRoute(deps);
  const history = createHistoryRoute(deps);
  const sync = createSyncRoute(deps);
  const schemaRegistry = createSchemaRegistryRoute(deps.namespace);

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<{ name: string; answer?: JsonAnswer }> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/healthz') return { name: 'healthz', answer: { status: 200, body: { live: true } } };
    if (method === 'GET' && url.pathname === '/readyz') {
      const state = await deps.readiness();
      return { name: 'readyz', answer: { status: state.ready ? 200 : 503, body: state } };
    }
    if (method === 'GET' && url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(deps.registry.render());
      return { name: 'metrics' };
    }
    const match = CONVERSATION_ROUTE.exec(url.pathname);
    if (method === 'GET' && match?.[1] && match[2]) {
      const conversationId = parseConversationId(match[1]);
      const answer = match[2] === 'events' ? await events(conversationId, url.searchParams) : await history(conversationId, url.searchParams);
      return { name: match[2], answer };
    }
    if (isSchemaRegistryPath(url.pathname)) return schemaRegistry(method, url, res);
    if (method === 'POST' && url.pathname === '/v1/sync') return { name: 'sync', answer: await sync(await readJsonBody(req, MAX_BODY_BYTES)) };
    return { name: 'unknown', answer: notFoundAnswer(method, url.pathname) };
  }

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://persister');
    let name = routeName(url.pathname);
    route(req, res, url)
      .then((result) => {
        name = result.name;
        if (result.answer) writeJson(res, result.answer);
      })
      .catch((err: unknown) => {
        const answer = errorAnswer(err);
        if (answer.status >= 500) deps.logger.warn('request failed', { method: req.method, path: url.pathname, status: answer.status, err });
        if (!res.headersSent) writeJson(res, answer);
        else res.destroy();
      })
      .finally(() => {
        deps.metrics.httpRequests.inc({ route: name, status: String(res.statusCode) });
        deps.metrics.httpMs.observe(Date.now() - started, { route: name });
      });
  });

  return {
    listen(port, host) {
      return new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** The route label for metrics of a request that failed before it was routed. */
function routeName(path: string): string {
  if (path === '/v1/sync') return 'sync';
  return CONVERSATION_ROUTE.exec(path)?.[2] ?? 'unknown';
}
