import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import { isAuthError, tokenFromRequest, type Principal, type TokenVerifier } from '@switchboard/auth';
import { ERROR_CODES } from '@switchboard/errors';
import type { Presence } from '@switchboard/presence';
import type { Logger } from '@switchboard/telemetry';
import type { GatewayMetrics } from '../internal/gatewayMetrics';
import type { Session } from '../internal/session';
import { respond, watchAborted } from './respond';

/** What uWebSockets.js keeps with each socket. */
export interface SocketData {
  sessionId: string;
  userId: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt: number;
  session?: Session;
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
    try {
      const live = await deps.presence.sessionsOf([userId]);
      if ((live.get(userId)?.length ?? 0) >= deps.maxSessionsPerUser) {
        if (state.aborted) return;
        return reject(res, '429 Too Many Requests', 'too_many_sessions', `a user may have at most ${deps.maxSessionsPerUser} open sessions`);
      }
      await deps.presence.register(userId, sessionId, deps.gatewayId);
    } catch (err) {
      logger.warn('presence unavailable during upgrade', { err });
      if (!state.aborted) reject(res, '503 Service Unavailable', 'unavailable', 'presence is unavailable; retry shortly');
      return;
    }
    if (state.aborted || !deps.accepting()) {
      await deps.presence.unregister(userId, sessionId).catch((err: unknown) => logger.warn('presence unregister failed', { err }));
      if (!state.aborted) reject(res, '503 Service Unavailable', 'going_away', ERROR_CODES.going_away.message);
      return;
    }
    res.cork(() => {
      res.upgrade<SocketData>({ sessionId, userId, expiresAt }, request.key, firstProtocol(request.protocol), request.extensions, context);
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
