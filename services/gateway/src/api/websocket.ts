import { DISABLED, type WebSocket, type WebSocketBehavior } from 'uWebSockets.js';
import { parseRequest, type Request } from '@switchboard/protocol';
import type { Logger } from '@switchboard/telemetry';
import type { GatewayMetrics } from '../internal/gatewayMetrics';
import type { Session, SessionSocket } from '../internal/session';
import type { SocketData } from './upgrade';

export interface WebSocketDeps {
  upgrade: NonNullable<WebSocketBehavior<SocketData>['upgrade']>;
  maxFrameBytes: number;
  idleTimeoutS: number;
  maxBufferedBytes: number;
  /** Builds the session of a socket that just opened. */
  createSession: (data: SocketData, socket: SessionSocket) => Session;
  /** Registers the session and welcomes it; it may close it at once, so the socket must already know it. */
  opened: (session: Session) => void;
  /** The socket is gone: forget the session. */
  closed: (session: Session, code: number) => void;
  handleRequest: (session: Session, request: Request) => void;
  metrics: GatewayMetrics;
  logger: Logger;
}

function socketOf(ws: WebSocket<SocketData>): SessionSocket {
  return {
    send: (text) => ws.send(text, false, false),
    getBufferedAmount: () => ws.getBufferedAmount(),
    end: (code, reason) => ws.end(code, reason),
  };
}

/**
 * uWebSockets.js enforces maxPayloadLength by dropping the connection without a close frame
 * (clients see 1006), which a client cannot tell from a network failure. So uWS gets a hard limit
 * of HARD_LIMIT_FACTOR times the configured one, and frames between the two are refused here
 * with a proper 1009 frame_too_large.
 */
export const HARD_LIMIT_FACTOR = 4;

/**
 * The /v1 WebSocket behaviour. Dead peers are dropped by uWS's idle timeout (pings are sent
 * automatically so live clients never hit it), also without a close frame (1006).
 */
export function createWebSocketBehavior(deps: WebSocketDeps): WebSocketBehavior<SocketData> {
  const { metrics, logger } = deps;
  return {
    compression: DISABLED,
    maxPayloadLength: deps.maxFrameBytes * HARD_LIMIT_FACTOR,
    idleTimeout: deps.idleTimeoutS,
    sendPingsAutomatically: true,
    maxBackpressure: deps.maxBufferedBytes,
    upgrade: deps.upgrade,

    open(ws) {
      const data = ws.getUserData();
      const session = deps.createSession(data, socketOf(ws));
      data.session = session;
      deps.opened(session);
    },

    message(ws, message, isBinary) {
      const session = ws.getUserData().session;
      if (!session?.isOpen()) return;
      if (isBinary) {
        metrics.framesIn.inc({ type: 'binary' });
        session.close('binary_not_supported');
        return;
      }
      if (message.byteLength > deps.maxFrameBytes) {
        metrics.framesIn.inc({ type: 'too_large' });
        session.close('frame_too_large');
        return;
      }
      // The ArrayBuffer is only valid during this call: decode (copy) it first.
      const text = Buffer.from(message).toString('utf8');
      let parsed: ReturnType<typeof parseRequest>;
      try {
        parsed = parseRequest(text);
      } catch (err) {
        logger.error('parsing a frame failed unexpectedly', { sessionId: session.id, err });
        session.refuse(null, 'internal');
        return;
      }
      metrics.framesIn.inc({ type: parsed.ok ? parsed.request.type : 'invalid' });
      if (!session.allowFrame()) {
        session.refuse(parsed.ok ? parsed.request.id : parsed.id, 'rate_limited');
        return;
      }
      if (!parsed.ok) {
        session.refuse(parsed.id, parsed.code, parsed.message);
        return;
      }
      try {
        deps.handleRequest(session, parsed.request);
      } catch (err) {
        logger.error('handling a request failed', { sessionId: session.id, type: parsed.request.type, err });
        if (!session.fail(parsed.request.id, 'internal')) session.refuse(parsed.request.id, 'internal');
      }
    },

    close(ws, code, message) {
      const data = ws.getUserData();
      metrics.closes.inc({ code: String(code) });
      if (code !== 1000 && code !== 1001) logger.debug('socket closed', { sessionId: data.sessionId, code, reason: Buffer.from(message).toString('utf8') });
      if (data.session) deps.closed(data.session, code);
    },
  };
}
