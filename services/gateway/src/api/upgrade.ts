import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import { isAuthError, tokenFromRequest, type Principal, type TokenVerifier } from '@switchboard/auth';
import { ERROR_CODES } from '@switchboard/errors';
import type { Presence } from '@switchboard/presence';
import type { Logger } from '@switchboard/telemetry';
import type { GatewayMetrics } from '../internal/gatewayMetrics';
import type { SerialQueue } from '../internal/serialQueue';
import type { Session } from '../internal/session';
import { respond, watchAborted } from './respond';

/** What uWebSockets.js keeps with each socket. */
export interface SocketData {
  sessionId: string;
  userId: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt: number;
  /** Set when the upgrade is accepted only to tell the client why it must go (close 4008). */
  refusal?: { code: 'too_many_sessions'; message: string };
  session?: Session;
  /** The session's frames, acted on in arrival order. */
  inbox?: SerialQueue;
}

export interface UpgradeDeps {
  gatewayId: string;
  /** Allowed Origin values; empty allows any (development only). */
  allowedOrigins: readonly string[];
  verifier: TokenVerifier;
  presence: Presence;
  maxSessionsPerUser: number;
  /** False before the deliveries consumer joined and while draining. */
  accepting: () => boolean;
  metrics: GatewayMetrics;
  logger: Logger;
  newSessionId?: () => string;
}

interface UpgradeRequest {
  key: string;
  protocol: string;
  extensions: string;
  origin: string;
  authorization: string;
  query: string;
}

const normalizeOrigin = (origin: string) => origin.trim().toLowerCase().replace(/\/+$/, '');

/** The first offered subprotocol: a server must answer with one of them or none. */
const firstProtocol = (offered: string) => offered.split(',')[0]?.trim() ?? '';

/**
 * The WebSocket upgrade at /v1: headers are read synchronously (uWS request objects do not survive
 * an await), then origin, token and session limit are checked, presence is registered, and the
 * socket is upgraded inside a cork unless the client went away meanwhile.
 *
 * A bad origin or token is refused with an HTTP status before any socket exists. A user over the
 * session limit is upgraded and then closed with 4008, because browsers cannot read the status of
 * a refused upgrade and would not learn why.
 */
export function createUpgradeHandler(deps: UpgradeDeps): (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void {
  const allowed = new Set(deps.allowedOrigins.map(normalizeOrigin));
  const newSessionId = deps.newSessionId ?? randomUUID;
  const { logger, metrics } = deps;

  function reject(res: HttpResponse, status: string, code: string, message: string, extra: Record<string, unknown> = {}): void {
    metrics.rejectedUpgrades.inc({ reason: code });
    respond(res, status, { code, message, ...extra });
  }

  async function accept(res: HttpResponse, state: { aborted: boolean }, request: UpgradeRequest, context: us_socket_context_t): Promise<void> {
    let principal: Principal;
    try {
      principal = await deps.verifier.verify(tokenFromRequest({ authorization: request.authorization || undefined, query: request.query }));
    } catch (err) {
      if (state.aborted) return;
      if (isAuthError(err) && err.code === 'auth_unavailable') {
        logger.warn('token keys unavailable', { err: err.message });
        return reject(res, '503 Service Unavailable', 'unavailable', 'the token could not be checked now; retry shortly');
      }
      if (isAuthError(err)) return reject(res, '401 Unauthorized', 'unauthorized', err.message, { reason: err.code });
      logger.error('token verification failed unexpectedly', { err });
      return reject(res, '500 Internal Server Error', 'internal', ERROR_CODES.internal.message);
    }
    if (state.aborted) return;

    const { userId, expiresAt } = principal;
    const sessionId = newSessionId();
    let refusal: SocketData['refusal'];
    try {
      // Register first, then count: two upgrades racing each see the other, so the limit is never
      // passed (at worst both are refused and retry).
      await deps.presence.register(userId, sessionId, deps.gatewayId);
      const live = (await deps.presence.sessionsOf([userId])).get(userId)?.length ?? 0;
      if (live > deps.maxSessionsPerUser) {
        await deps.presence.unregister(userId, sessionId);
        metrics.rejectedUpgrades.inc({ reason: 'too_many_sessions' });
        refusal = { code: 'too_many_sessions', message: `a user may have at most ${deps.maxSessionsPerUser} open sessions` };
      }
    } catch (err) {
      // The registration may have gone through; left there it would count against the user forever.
      void deps.presence.unregister(userId, sessionId).catch(() => undefined);
      logger.warn('presence unavailable during upgrade', { err });
      if (!state.aborted) reject(res, '503 Service Unavailable', 'unavailable', 'presence is unavailable; retry shortly');
      return;
    }
    if (state.aborted || !deps.accepting()) {
      if (!refusal) await deps.presence.unregister(userId, sessionId).catch((err: unknown) => logger.warn('presence unregister failed', { err }));
      if (!state.aborted) reject(res, '503 Service Unavailable', 'going_away', ERROR_CODES.going_away.message);
      return;
    }
    res.cork(() => {
      res.upgrade<SocketData>({ sessionId, userId, expiresAt, ...(refusal ? { refusal } : {}) }, request.key, firstProtocol(request.protocol), request.extensions, context);
    });
  }

  return (res, req, context) => {
    const request: UpgradeRequest = {
      key: req.getHeader('sec-websocket-key'),
      protocol: req.getHeader('sec-websocket-protocol'),
      extensions: req.getHeader('sec-websocket-extensions'),
      origin: req.getHeader('origin'),
      authorization: req.getHeader('authorization'),
      query: req.getQuery() ?? '',
    };
    if (!deps.accepting()) {
      return reject(res, '503 Service Unavailable', 'unavailable', 'the gateway is not accepting connections now; retry shortly');
    }
    // Browsers always send Origin; other clients may not, and could forge it anyway.
    if (allowed.size > 0 && request.origin !== '' && !allowed.has(normalizeOrigin(request.origin))) {
      return reject(res, '403 Forbidden', 'origin_not_allowed', ERROR_CODES.origin_not_allowed.message);
    }
    const state = watchAborted(res);
    accept(res, state, request, context).catch((err: unknown) => {
      logger.error('upgrade failed', { err });
      if (!state.aborted) reject(res, '500 Internal Server Error', 'internal', ERROR_CODES.internal.message);
    });
  };
}
