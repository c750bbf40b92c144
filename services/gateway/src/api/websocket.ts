import { DISABLED, type WebSocket, type WebSocketBehavior } from 'uWebSockets.js';
import type { Request } from '@switchboard/protocol';
import type { Logger } from '@switchboard/telemetry';
import { decodeFrame } from '../internal/decodeFrame';
import type { GatewayMetrics } from '../internal/gatewayMetrics';
import { createHeartbeat } from '../internal/heartbeat';
import type { Session } from '../internal/session';
import type { UserRateLimit } from '../internal/userRateLimit';
import type { SocketData } from './upgrade';

export interface WebSocketDeps {
  upgrade: NonNullable<WebSocketBehavior<SocketData>['upgrade']>;
  maxFrameBytes: number;
  idleTimeoutS: number;
  maxBufferedBytes: number;
  /** The per-user limit, shared by all of a user's sessions on every gateway. */
  userRateLimit: UserRateLimit;
  /** Registers the session in presence and checks the user's session limit; 'refused' has closed it. */
  admit: (session: Session) => Promise<'welcome' | 'refused'>;
  /** Adds the admitted session and welcomes it. */
  opened: (session: Session) => void;
  /** The socket is gone: forget the session, and leave presence once `admitted` (its admission settled). */
  closed: (session: Session, code: number, admitted: Promise<unknown>) => void;
  handleRequest: (session: Session, request: Request) => void;
  metrics: GatewayMetrics;
  logger: Logger;
}

/**
 * uWebSockets.js enforces maxPayloadLength by dropping the connection without a close frame
 * (clients see 1006), which a client cannot tell from a network failure. So uWS gets a hard limit
 * of HARD_LIMIT_FACTOR times the configured one, and frames between the two are refused here
 * with a proper 1009 frame_too_large. uWS must hold a whole frame before it is handed over, so
 * the hard limit is what bounds the memory one frame can take.
 */
export const HARD_LIMIT_FACTOR = 4;

const PER_CONNECTION = 'this connection sends frames too fast; slow down and retry';
const PER_USER = "this user's sessions together send frames too fast; slow down and retry";

/**
 * The /v1 WebSocket behaviour. Idle detection is the application's (see heartbeat.ts), not
 * uWS's, so a quiet client gets a 4010 close frame. Every frame first takes a token from the
 * connection's bucket (at once) and from the user's cluster-wide bucket (tokens held locally, taken
 * from Redis ahead of use); frames of one connection are then acted on in the order they came,
 * whatever the Redis round trips do.
 */
export function createWebSocketBehavior(deps: WebSocketDeps): WebSocketBehavior<SocketData> {
  const { metrics, logger } = deps;
  const heartbeat = createHeartbeat({ idleTimeoutMs: deps.idleTimeoutS * 1000 });

  return {
    compression: DISABLED,
    maxPayloadLength: deps.maxFrameBytes * HARD_LIMIT_FACTOR,
    idleTimeout: 0,
    sendPingsAutomatically: false,
    maxBackpressure: deps.maxBufferedBytes,
    upgrade: deps.upgrade,

    // Nothing is sent from open() itself: after an upgrade made inside res.cork() (a token whose
    // key set had to be fetched), uWS may still be reading the old HTTP response's state (see
    // upgrade.ts). The welcome waits for the session's admission to presence, and the client's
    // frames wait behind it in the session's order, so nothing is handled for a session that
    // deliveries cannot find yet.
    open(ws) {
      const { session } = ws.getUserData();
      session.attach(ws);
      heartbeat.watch(session);
      session.inOrder(async () => {
        if ((await deps.admit(session)) === 'welcome' && session.isOpen()) deps.opened(session);
      });
    },

    message(ws, message, isBinary) {
      const { session } = ws.getUserData();
      if (!session.isOpen()) return;
      session.seen();
      const frame = decodeFrame(message, isBinary, deps.maxFrameBytes);
      if (frame.kind === 'fatal') {
        metrics.framesIn.inc({ type: frame.code === 'binary_not_supported' ? 'binary' : 'too_large' });
        session.close(frame.code);
        return;
      }
      metrics.framesIn.inc({ type: frame.kind === 'request' ? frame.request.type : 'invalid' });
      const id = frame.kind === 'request' ? frame.request.id : frame.id;
      if (!session.allowFrame()) {
        session.inOrder(() => session.refuse(id, 'rate_limited', PER_CONNECTION));
        return;
      }
      const act = (allowed: boolean): void => {
        if (!allowed) return session.refuse(id, 'rate_limited', PER_USER);
        if (!session.isOpen()) return;
        if (frame.kind === 'invalid') {
          if (frame.code === 'internal') logger.error('parsing a frame failed unexpectedly', { sessionId: session.id });
          return session.refuse(frame.id, frame.code, frame.message);
        }
        try {
          deps.handleRequest(session, frame.request);
        } catch (err) {
          logger.error('handling a request failed', { sessionId: session.id, type: frame.request.type, err });
          if (!session.fail(frame.request.id, 'internal')) session.refuse(frame.request.id, 'internal');
        }
      };
      // Mostly known at once (tokens held locally): then, with nothing of this connection waiting, the frame is acted on now.
      const allowed = deps.userRateLimit.take(session.userId);
      if (typeof allowed === 'boolean') session.inOrder(() => act(allowed));
      else session.inOrder(async () => act(await allowed));
    },

    pong(ws) {
      ws.getUserData().session.seen();
    },

    ping(ws) {
      ws.getUserData().session.seen();
    },

    drain(ws) {
      ws.getUserData().session.drained();
    },

    close(ws, code, message) {
      const { session } = ws.getUserData();
      metrics.closes.inc({ code: String(code) });
      if (code !== 1000 && code !== 1001) logger.debug('socket closed', { sessionId: session.id, code, reason: Buffer.from(message).toString('utf8') });
      heartbeat.unwatch(session);
      // Presence is left after the admission (a registration still in flight would otherwise land
      // after the unregistration): in the session's order, after what is queued.
      const admitted = new Promise<void>((resolve) => session.inOrder(resolve));
      deps.closed(session, code, admitted);
    },
  };
}
