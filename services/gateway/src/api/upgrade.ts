import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js';
import { isAuthError, tokenFromRequest, type Principal, type TokenVerifier } from '@switchboard/auth';
import { ERROR_CODES } from '@switchboard/errors';
import type { Logger } from '@switchboard/telemetry';
import type { GatewayMetrics } from '../internal/gatewayMetrics';
import type { ClientSession, Session } from '../internal/session';
import { respond, watchAborted } from './respond';

/**
 * What uWebSockets.js keeps with each socket: the session, made at the upgrade. uWS copies the
 * properties of this object onto its WebSocket object (`getUserData()` returns the WebSocket), so
 * each one costs a property slot per connection: there is only one.
 */
export interface SocketData {
  session: ClientSession;
}

export interface UpgradeDeps {
  /** Allowed Origin values; empty allows any (development only). */
  allowedOrigins: readonly string[];
  verifier: TokenVerifier;
  /** False before the deliveries consumer joined and while draining. */
  accepting: () => boolean;
  /** The session of a connection about to be upgraded; its socket is attached when it opens. */
  newSession: (sessionId: string, principal: Principal) => ClientSession;
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
 * The WebSocket upgrade at /v1: origin and token are checked, and the socket is upgraded, all
 * within uWS's upgrade handler whenever the token can be verified at once (a shared secret, a
 * public key, or a JWKS key already fetched). Presence is registered after the socket opened and
 * before the welcome (see `admitSession`).
 *
 * An upgrade made later, inside `res.cork()`, can be closed by uWS right after it opened: cork
 * reads the old HTTP response's state from memory the new WebSocket now owns (uWebSockets pull
 * request 1929). So the later path is kept for the one case that needs it: a key set that must
 * be fetched first.
 *
 * A bad origin or token is refused with an HTTP status before any socket exists.
 */
export function createUpgradeHandler(deps: UpgradeDeps): (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void {
  const allowed = new Set(deps.allowedOrigins.map(normalizeOrigin));
  const newSessionId = deps.newSessionId ?? randomUUID;
  const { logger, metrics } = deps;

  function reject(res: HttpResponse, status: string, code: string, message: string, extra: Record<string, unknown> = {}): void {
    metrics.rejectedUpgrades.inc({ reason: code });
    respond(res, status, { code, message, ...extra });
  }

  function refuseToken(res: HttpResponse, err: unknown): void {
    if (isAuthError(err) && err.code === 'auth_unavailable') {
      logger.warn('token keys unavailable', { err: err.message });
      return reject(res, '503 Service Unavailable', 'unavailable', 'the token could not be checked now; retry shortly');
    }
    if (isAuthError(err)) return reject(res, '401 Unauthorized', 'unauthorized', err.message, { reason: err.code });
    logger.error('token verification failed unexpectedly', { err });
    return reject(res, '500 Internal Server Error', 'internal', ERROR_CODES.internal.message);
  }

  function upgrade(res: HttpResponse, request: UpgradeRequest, context: us_socket_context_t, principal: Principal): void {
    res.upgrade<SocketData>({ session: deps.newSession(newSessionId(), principal) }, request.key, firstProtocol(request.protocol), request.extensions, context);
  }

  /** A key set must be fetched before the token can be judged. */
  async function verifyLater(res: HttpResponse, state: { aborted: boolean }, request: UpgradeRequest, context: us_socket_context_t, token: string | undefined): Promise<void> {
    let principal: Principal;
    try {
      principal = await deps.verifier.verify(token);
    } catch (err) {
      if (!state.aborted) refuseToken(res, err);
      return;
    }
    if (state.aborted) return;
    if (!deps.accepting()) return reject(res, '503 Service Unavailable', 'going_away', ERROR_CODES.going_away.message);
    res.cork(() => upgrade(res, request, context, principal));
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
    const token = tokenFromRequest({ authorization: request.authorization || undefined, query: request.query });
    let principal: Principal | undefined;
    try {
      principal = deps.verifier.verifyNow(token);
    } catch (err) {
      return refuseToken(res, err);
    }
    if (principal) return upgrade(res, request, context, principal);
    const state = watchAborted(res);
    verifyLater(res, state, request, context, token).catch((err: unknown) => {
      logger.error('upgrade failed', { err });
      if (!state.aborted) reject(res, '500 Internal Server Error', 'internal', ERROR_CODES.internal.message);
    });
  };
}
