import { ERROR_CODES, type ErrorCode } from '@switchboard/errors';
import type { ServerFrame } from '@switchboard/protocol';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationFeed } from './conversationFeed';
import { createDeadlines, type Deadline, type Deadlines } from './deadlines';
import { frameText } from './frameText';
import type { GatewayMetrics } from './gatewayMetrics';
import { errorFrame, okFrame } from './replyFrames';
import type { TokenBucket } from './tokenBucket';

/** The part of a uWebSockets.js socket a session uses. */
export interface SessionSocket {
  /** 1 sent, 0 sent but buffered, 2 dropped at the backpressure limit. */
  send(text: string): number;
  getBufferedAmount(): number;
  /** Sends a close frame after what is buffered is written, as far as uWS goes: it discards a non-empty buffer. */
  end(code: number, reason: string): void;
  /** A WebSocket ping; the client's pong counts as activity. */
  ping(): void;
  /** Drops the connection without a close frame (the client sees 1006). */
  terminate(): void;
}

/** `command` requests are answered through the router; their ok replies are timed as acks. */
export type RequestKind = 'command' | 'query';

/** One client connection: its socket, pending requests, rate limit and conversation feeds. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  isOpen(): boolean;
  /** The client sent a frame or a pong. */
  seen(): void;
  /** When the client was last heard from, in epoch milliseconds. */
  lastSeenAt(): number;
  /** Asks the client for a pong. */
  ping(): void;
  /** The socket's send buffer was written out (uWS drain): a close waiting for it goes ahead. */
  drained(): void;
  /**
   * Live timeline events wait on this until the client's first request (or the resume grace ends),
   * so that a `sync` sent as the first frame is known before anything is pushed.
   */
  liveGate(): Promise<void>;
  /** Any request opens the live gate. */
  requestReceived(): void;
  /** A sync starts: its cursors say where the client stands in each conversation. Opens the gate. */
  startSync(cursors: Readonly<Record<string, number>>): void;
  /** Where the client stands in a conversation: its sync cursor (0 if it named none), undefined before any sync. */
  resumePosition(conversationId: string): number | undefined;
  /** Takes a token from the connection's rate limit. */
  allowFrame(): boolean;
  /** Every frame to the client goes through here: a client that does not read fast enough is cut off (4009). */
  send(frame: ServerFrame): boolean;
  /** Starts a request; false when a request with this id is already pending. `timeoutMs` null: no timeout. */
  begin(requestId: string, kind: RequestKind, timeoutMs: number | null): boolean;
  isPending(requestId: string): boolean;
  /** How many requests of this kind are pending. */
  pendingCount(kind: RequestKind): number;
  /** Answers a pending request with ok; false when it was not pending (already answered or timed out). */
  answer(requestId: string, result: Record<string, unknown>): boolean;
  /** Answers a pending request with an error; false when it was not pending. */
  fail(requestId: string, code: string, message?: string | null): boolean;
  /** An error reply that is not tied to a pending request (invalid frames, rate limiting). */
  refuse(requestId: string | null, code: ErrorCode, message?: string): void;
  feed(conversationId: string): ConversationFeed;
  /** Fails every pending request, e.g. before closing for a shutdown. */
  failAllPending(code: ErrorCode, message: string): void;
  /**
   * Closes the socket with a code from the error table. The close frame follows what is already
   * buffered for the client; if that is not written within the close grace, the connection is dropped.
   */
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
  /** How long live events wait for the client's first request; 0 pushes them at once. Default 1000. */
  resumeGraceMs?: number;
  /** How long a close waits for the send buffer to drain before dropping the connection. Default 5000. */
  closeGraceMs?: number;
  /** When the access token expires (epoch ms): the session is closed then with 4001 unauthorized. */
  expiresAt?: number;
  /** Where request timeouts wait; by default one set shared by every session of the process. */
  deadlines?: Deadlines;
  now?: () => number;
}

/** One timer for the timeouts of every pending request, instead of one timer per request. */
const requestDeadlines = createDeadlines();

/** Longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Pending {
  kind: RequestKind;
  startedAt: number;
  deadline: Deadline | undefined;
}

export function createSession(options: SessionOptions): Session {
  const { socket, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const deadlines = options.deadlines ?? requestDeadlines;
  const pending = new Map<string, Pending>();
  const feeds = new Map<string, ConversationFeed>();
  let open = true;
  let lastSeenAt = now();
  let closing: { code: ErrorCode; timer: NodeJS.Timeout } | undefined;
  const closeGraceMs = options.closeGraceMs ?? 5_000;
  let syncCursors: Readonly<Record<string, number>> | undefined;
  let expiry: NodeJS.Timeout | undefined;
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const resumeGraceMs = options.resumeGraceMs ?? 1000;
  let graceTimer: NodeJS.Timeout | undefined;
  if (resumeGraceMs <= 0) openGate();
  else {
    graceTimer = setTimeout(openGate, resumeGraceMs);
    graceTimer.unref();
  }

  function requestReceived(): void {
    if (graceTimer) clearTimeout(graceTimer);
    graceTimer = undefined;
    openGate();
  }

  function settle(requestId: string): Pending | undefined {
    const entry = pending.get(requestId);
    if (!entry) return undefined;
    pending.delete(requestId);
    entry.deadline?.cancel();
    return entry;
  }

  /** The socket's buffered bytes; 0 once uWS has let go of it. */
  function buffered(): number {
    try {
      return socket.getBufferedAmount();
    } catch {
      return 0;
    }
  }

  function endNow(code: ErrorCode): void {
    const closeCode = (ERROR_CODES[code] as { close?: number }).close ?? 1011;
    try {
      socket.end(closeCode, code);
    } catch (err) {
      logger.debug('socket was already closed', { sessionId: options.id, err });
    }
  }

  function close(code: ErrorCode): void {
    if (!open) return;
    open = false;
    if (buffered() === 0) return endNow(code);
    // uWS's end() would throw away the buffer and the close frame with it (the client would see
    // 1006), so the close waits for the drain; nothing more is queued meanwhile, so memory stays bounded.
    const timer = setTimeout(() => {
      closing = undefined;
      logger.info('dropping a client that read nothing within the close grace', { sessionId: options.id, code });
      try {
        socket.terminate();
      } catch (err) {
        logger.debug('socket was already closed', { sessionId: options.id, err });
      }
    }, closeGraceMs);
    timer.unref();
    closing = { code, timer };
  }

  const session: Session = {
    id: options.id,
    userId: options.userId,
    isOpen: () => open,
    seen() {
      lastSeenAt = now();
    },
    lastSeenAt: () => lastSeenAt,
    ping() {
      try {
        socket.ping();
      } catch (err) {
        logger.debug('pinging a socket that is gone', { sessionId: options.id, err });
      }
    },
    drained() {
      if (closing === undefined || buffered() > 0) return;
      clearTimeout(closing.timer);
      const { code } = closing;
      closing = undefined;
      endNow(code);
    },
    liveGate: () => gate,
    requestReceived,
    startSync(cursors) {
      syncCursors = cursors;
      requestReceived();
    },
    resumePosition: (conversationId) => (syncCursors === undefined ? undefined : (syncCursors[conversationId] ?? 0)),
    allowFrame: () => options.bucket.take(),

    send(frame) {
      if (!open) return false;
      let status: number;
      try {
        status = socket.send(frameText(frame));
      } catch (err) {
        open = false;
        logger.warn('sending to a socket that is gone', { sessionId: options.id, err });
        return false;
      }
      metrics.framesOut.inc({ type: frame.type });
      if (frame.type === 'error') metrics.errors.inc({ code: frame.code });
      if (status === 2 || buffered() > options.maxBufferedBytes) {
        logger.info('closing a slow consumer', { sessionId: options.id, userId: options.userId, buffered: buffered() });
        metrics.slowConsumers.inc();
        close('slow_consumer');
        return false;
      }
      return true;
    },

    begin(requestId, kind, timeoutMs) {
      if (pending.has(requestId) || !open) return false;
      const deadline =
        timeoutMs === null
          ? undefined
          : deadlines.add(timeoutMs, () => {
              if (settle(requestId)) session.send(errorFrame(requestId, 'timeout', `no answer within ${timeoutMs} ms; retry with the same client id`));
            });
      pending.set(requestId, { kind, startedAt: now(), deadline });
      return true;
    },

    isPending: (requestId) => pending.has(requestId),
    pendingCount(kind) {
      let count = 0;
      for (const entry of pending.values()) if (entry.kind === kind) count += 1;
      return count;
    },

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
      if (closing) clearTimeout(closing.timer);
      closing = undefined;
      requestReceived();
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
