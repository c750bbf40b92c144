import { ERROR_CODES, type ErrorCode } from '@switchboard/errors';
import type { ServerFrame } from '@switchboard/protocol';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationFeed } from './conversationFeed';
import type { GatewayMetrics } from './gatewayMetrics';
import { errorFrame, okFrame } from './replyFrames';
import type { TokenBucket } from './tokenBucket';

/** The part of a uWebSockets.js socket a session uses. */
export interface SessionSocket {
  /** 1 sent, 0 sent but buffered, 2 dropped at the backpressure limit. */
  send(text: string): number;
  getBufferedAmount(): number;
  end(code: number, reason: string): void;
}

/** `command` requests are answered through the router; their ok replies are timed as acks. */
export type RequestKind = 'command' | 'query';

/** One client connection: its socket, pending requests, rate limit and conversation feeds. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  isOpen(): boolean;
  synced(): boolean;
  markSynced(): void;
  /** Takes a token from the connection's rate limit. */
  allowFrame(): boolean;
  /** Every frame to the client goes through here: a client that does not read fast enough is cut off (4009). */
  send(frame: ServerFrame): boolean;
  /** Starts a request; false when a request with this id is already pending. `timeoutMs` null: no timeout. */
  begin(requestId: string, kind: RequestKind, timeoutMs: number | null): boolean;
  isPending(requestId: string): boolean;
  /** Answers a pending request with ok; false when it was not pending (already answered or timed out). */
  answer(requestId: string, result: Record<string, unknown>): boolean;
  /** Answers a pending request with an error; false when it was not pending. */
  fail(requestId: string, code: string, message?: string | null): boolean;
  /** An error reply that is not tied to a pending request (invalid frames, rate limiting). */
  refuse(requestId: string | null, code: ErrorCode, message?: string): void;
  feed(conversationId: string): ConversationFeed;
  /** Fails every pending request, e.g. before closing for a shutdown. */
  failAllPending(code: ErrorCode, message: string): void;
  /** Closes the socket with a code from the error table. */
  close(code: ErrorCode): void;
  /** The socket is gone (called from the close handler); nothing is sent any more. */
  closed(): void;
}

export interface SessionOptions {
  id: string;
  userId: string;
  socket: SessionSocket;
  maxBufferedBytes: number;
  bucket: TokenBucket;
  metrics: GatewayMetrics;
  logger: Logger;
  createFeed: (session: Session, conversationId: string) => ConversationFeed;
  /** When the access token expires (epoch ms): the session is closed then with 4001 unauthorized. */
  expiresAt?: number;
  now?: () => number;
}

/** Longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Pending {
  kind: RequestKind;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
}

export function createSession(options: SessionOptions): Session {
  const { socket, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const pending = new Map<string, Pending>();
  const feeds = new Map<string, ConversationFeed>();
  let open = true;
  let synced = false;
  let expiry: NodeJS.Timeout | undefined;

  function settle(requestId: string): Pending | undefined {
    const entry = pending.get(requestId);
    if (!entry) return undefined;
    pending.delete(requestId);
    if (entry.timer) clearTimeout(entry.timer);
    return entry;
  }

  function close(code: ErrorCode): void {
    if (!open) return;
    open = false;
    const closeCode = (ERROR_CODES[code] as { close?: number }).close ?? 1011;
    try {
      socket.end(closeCode, code);
    } catch (err) {
      logger.debug('socket was already closed', { sessionId: options.id, err });
    }
  }

  const session: Session = {
    id: options.id,
    userId: options.userId,
    isOpen: () => open,
    synced: () => synced,
    markSynced: () => void (synced = true),
    allowFrame: () => options.bucket.take(),

    send(frame) {
      if (!open) return false;
      let status: number;
      try {
        status = socket.send(JSON.stringify(frame));
      } catch (err) {
        open = false;
        logger.warn('sending to a socket that is gone', { sessionId: options.id, err });
        return false;
      }
      metrics.framesOut.inc({ type: frame.type });
      if (frame.type === 'error') metrics.errors.inc({ code: frame.code });
      if (status === 2 || socket.getBufferedAmount() > options.maxBufferedBytes) {
        logger.info('closing a slow consumer', { sessionId: options.id, userId: options.userId, buffered: socket.getBufferedAmount() });
        close('slow_consumer');
        return false;
      }
      return true;
    },

    begin(requestId, kind, timeoutMs) {
      if (pending.has(requestId) || !open) return false;
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(() => {
              if (settle(requestId)) session.send(errorFrame(requestId, 'timeout', `no answer within ${timeoutMs} ms; retry with the same client id`));
            }, timeoutMs);
      timer?.unref();
      pending.set(requestId, { kind, startedAt: now(), timer });
      return true;
    },

    isPending: (requestId) => pending.has(requestId),

    answer(requestId, result) {
      const entry = settle(requestId);
      if (!entry) return false;
      if (entry.kind === 'command') metrics.ackLatency.observe(now() - entry.startedAt);
      session.send(okFrame(requestId, result));
      return true;
    },

    fail(requestId, code, message) {
      if (!settle(requestId)) return false;
      session.send(errorFrame(requestId, code, message));
      return true;
    },

    refuse(requestId, code, message) {
      session.send(errorFrame(requestId, code, message));
    },

    feed(conversationId) {
      let feed = feeds.get(conversationId);
      if (!feed) feeds.set(conversationId, (feed = options.createFeed(session, conversationId)));
      return feed;
    },

    failAllPending(code, message) {
      for (const requestId of [...pending.keys()]) session.fail(requestId, code, message);
    },

    close,

    closed() {
      open = false;
      if (expiry) clearTimeout(expiry);
      for (const requestId of [...pending.keys()]) settle(requestId);
      feeds.clear();
    },
  };
  if (options.expiresAt !== undefined) {
    // Never closed synchronously here: the socket's owner must know the session first.
    const remaining = Math.max(0, options.expiresAt - now());
    if (remaining <= MAX_TIMER_MS) {
      expiry = setTimeout(() => close('unauthorized'), remaining);
      expiry.unref();
    }
  }
  return session;
}
