import { ERROR_CODES, type ErrorCode } from '@switchboard/errors';
import type { ClientEvent, ServerFrame } from '@switchboard/protocol';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationFeed } from './conversationFeed';
import { createDeadlines, type Deadline, type Deadlines } from './deadlines';
import { eventFrameText, frameText } from './frameText';
import type { GatewayMetrics } from './gatewayMetrics';
import { errorFrame, okFrame } from './replyFrames';
import { SendRound, type RoundMember } from './sendRound';
import type { TokenBucket } from './tokenBucket';

/** The part of a uWebSockets.js socket a session uses: a uWS WebSocket is one as it is. */
export interface ConnectionSocket {
  /** A text frame. 1 sent, 0 sent but buffered, 2 dropped at the backpressure limit. */
  send(text: string): number;
  getBufferedAmount(): number;
  /** Sends a close frame after what is buffered is written, as far as uWS goes: it discards a non-empty buffer. */
  end(code: number, reason: string): void;
  /** A WebSocket ping; the client's pong counts as activity. */
  ping(): unknown;
  /** Drops the connection without a close frame (the client sees 1006). */
  close(): void;
  /** Runs `cb` with the socket corked: what it sends goes out in one write when it returns. */
  cork(cb: () => void): unknown;
}

/** A socket as `createSession` takes it: `terminate` drops the connection without a close frame. */
export interface SessionSocket {
  /** 1 sent, 0 sent but buffered, 2 dropped at the backpressure limit. */
  send(text: string): number;
  getBufferedAmount(): number;
  end(code: number, reason: string): void;
  ping(): void;
  terminate(): void;
}

/** `command` requests are answered through the router; their ok replies are timed as acks. */
export type RequestKind = 'command' | 'query';

/** One client connection: its socket, pending requests, rate limit and conversation feeds. */
export interface Session {
  readonly id: string;
  readonly userId: string;
  /** When the access token expires (epoch ms); undefined when it does not. */
  readonly expiresAt: number | undefined;
  /**
   * The delivery dispatcher's mark: a token of the last delivery it handed this session, so that a
   * session reached twice (a user named twice) gets it once, without a set per delivery.
   */
  dispatchMark: object | undefined;
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
  /** Sends an event frame: `send({ type: 'event', event })`, its text made once per event for all recipients. */
  pushEvent(event: ClientEvent): boolean;
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

/** What every session of a gateway shares: settings, telemetry and collaborators, held once. */
export interface SessionEnvironment {
  maxBufferedBytes: number;
  /** How long live events wait for the client's first request; 0 pushes them at once. */
  resumeGraceMs: number;
  /** How long a close waits for the send buffer to drain before dropping the connection. */
  closeGraceMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
  createFeed: (session: Session, conversationId: string) => ConversationFeed;
  /** Where request timeouts wait. */
  deadlines: Deadlines;
  /** While it is open, frames wait in their session and go out together when it ends. */
  round: SendRound;
  now: () => number;
}

export interface SessionEnvironmentOptions extends Omit<SessionEnvironment, 'resumeGraceMs' | 'closeGraceMs' | 'deadlines' | 'round' | 'now'> {
  /** Default 1000. */
  resumeGraceMs?: number;
  /** Default 5000. */
  closeGraceMs?: number;
  /** By default one set shared by every session of the process. */
  deadlines?: Deadlines;
  /** By default a round of its own, which nothing opens. */
  round?: SendRound;
  now?: () => number;
}

/** One timer for the timeouts of every pending request, instead of one timer per request. */
const requestDeadlines = createDeadlines();

export function sessionEnvironment(options: SessionEnvironmentOptions): SessionEnvironment {
  return {
    ...options,
    resumeGraceMs: options.resumeGraceMs ?? 1000,
    closeGraceMs: options.closeGraceMs ?? 5_000,
    deadlines: options.deadlines ?? requestDeadlines,
    round: options.round ?? new SendRound(),
    now: options.now ?? Date.now,
  };
}

interface Pending {
  kind: RequestKind;
  startedAt: number;
  deadline: Deadline | undefined;
}

/** A live gate that somebody waits on before it opened. */
interface GateWaiter {
  promise: Promise<void>;
  open: () => void;
  timer: NodeJS.Timeout | undefined;
}

interface Closing {
  code: ErrorCode;
  timer: NodeJS.Timeout;
}

const OPEN_GATE: Promise<void> = Promise.resolve();


/** Stands in for the socket until `attach`: nothing is sent to a session before its socket opened. */
const NO_SOCKET: ConnectionSocket = {
  send() {
    throw new Error('the session has no socket yet');
  },
  getBufferedAmount: () => 0,
  end() {
    throw new Error('the session has no socket yet');
  },
  ping: () => undefined,
  close: () => undefined,
  cork: (cb) => cb(),
};

/**
 * A session kept small, because a gateway holds tens of thousands of mostly idle ones: methods on
 * the prototype, settings in the shared environment, and nothing allocated until it is needed
 * (pending requests, feeds, the live gate's promise). No timer runs per idle session: idle time
 * and token expiry are checked by the gateway's periodic sweep (heartbeat.ts), request timeouts
 * share one timer (deadlines.ts), and the resume grace sets a timer only when an event waits on it.
 *
 * The session also orders the connection's frames: `inOrder` runs a task at once when nothing of
 * this session is waiting, else after what is.
 */
export class ClientSession implements Session, RoundMember {
  dispatchMark: object | undefined = undefined;
  private socket: ConnectionSocket;
  private open = true;
  private seenAt: number;
  /** When the live gate opens by itself (epoch ms); 0 once it is open. */
  private gateOpensAt: number;
  private gateWaiter: GateWaiter | undefined = undefined;
  private syncCursors: Readonly<Record<string, number>> | undefined = undefined;
  private pending: Map<string, Pending> | undefined = undefined;
  private feeds: Map<string, ConversationFeed> | undefined = undefined;
  private closing: Closing | undefined = undefined;
  /** Frames written during the send round that is open, in order (see sendRound.ts); one is held as it is. */
  private held: string | string[] | undefined = undefined;
  /** Tasks of `inOrder` queued or running and not finished, and the promise the next one waits on. */
  private unfinished = 0;
  private tail: Promise<void> | undefined = undefined;

  constructor(
    private readonly env: SessionEnvironment,
    readonly id: string,
    readonly userId: string,
    readonly expiresAt: number | undefined,
    /** The connection's rate limit. */
    private readonly bucket: TokenBucket,
    socket: ConnectionSocket = NO_SOCKET,
  ) {
    this.socket = socket;
    this.seenAt = env.now();
    this.gateOpensAt = env.resumeGraceMs > 0 ? this.seenAt + env.resumeGraceMs : 0;
  }

  /** The socket opened: from here on frames reach the client. */
  attach(socket: ConnectionSocket): void {
    this.socket = socket;
  }

  isOpen(): boolean {
    return this.open;
  }

  seen(): void {
    this.seenAt = this.env.now();
  }

  lastSeenAt(): number {
    return this.seenAt;
  }

  ping(): void {
    try {
      this.socket.ping();
    } catch (err) {
      this.env.logger.debug('pinging a socket that is gone', { sessionId: this.id, err });
    }
  }

  drained(): void {
    const closing = this.closing;
    if (closing === undefined || this.buffered() > 0) return;
    clearTimeout(closing.timer);
    this.closing = undefined;
    this.endNow(closing.code);
  }

  liveGate(): Promise<void> {
    if (this.gateOpensAt === 0) return OPEN_GATE;
    const wait = this.gateOpensAt - this.env.now();
    if (wait <= 0) {
      this.openGate();
      return OPEN_GATE;
    }
    if (this.gateWaiter === undefined) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      const waiter: GateWaiter = { promise, open, timer: undefined };
      waiter.timer = setTimeout(() => this.openGate(), wait);
      waiter.timer.unref();
      this.gateWaiter = waiter;
    }
    return this.gateWaiter.promise;
  }

  requestReceived(): void {
    if (this.gateOpensAt !== 0) this.openGate();
  }

  startSync(cursors: Readonly<Record<string, number>>): void {
    this.syncCursors = cursors;
    this.requestReceived();
  }

  resumePosition(conversationId: string): number | undefined {
    return this.syncCursors === undefined ? undefined : (this.syncCursors[conversationId] ?? 0);
  }

  allowFrame(): boolean {
    return this.bucket.take();
  }

  send(frame: ServerFrame): boolean {
    return this.write(frameText(frame), frame.type, frame.type === 'error' ? frame.code : undefined);
  }

  pushEvent(event: ClientEvent): boolean {
    return this.write(eventFrameText(event), 'event', undefined);
  }

  begin(requestId: string, kind: RequestKind, timeoutMs: number | null): boolean {
    if (!this.open) return false;
    const pending = (this.pending ??= new Map());
    if (pending.has(requestId)) return false;
    const deadline = timeoutMs === null ? undefined : this.env.deadlines.add(timeoutMs, () => this.timedOut(requestId, timeoutMs));
    pending.set(requestId, { kind, startedAt: this.env.now(), deadline });
    return true;
  }

  isPending(requestId: string): boolean {
    return this.pending?.has(requestId) ?? false;
  }

  pendingCount(kind: RequestKind): number {
    let count = 0;
    if (this.pending) for (const entry of this.pending.values()) if (entry.kind === kind) count += 1;
    return count;
  }

  answer(requestId: string, result: Record<string, unknown>): boolean {
    const entry = this.settle(requestId);
    if (!entry) return false;
    if (entry.kind === 'command') this.env.metrics.ackLatency.observe(this.env.now() - entry.startedAt);
    this.send(okFrame(requestId, result));
    return true;
  }

  fail(requestId: string, code: string, message?: string | null): boolean {
    if (!this.settle(requestId)) return false;
    this.send(errorFrame(requestId, code, message));
    return true;
  }

  refuse(requestId: string | null, code: ErrorCode, message?: string): void {
    this.send(errorFrame(requestId, code, message));
  }

  feed(conversationId: string): ConversationFeed {
    const feeds = (this.feeds ??= new Map());
    let feed = feeds.get(conversationId);
    if (!feed) feeds.set(conversationId, (feed = this.env.createFeed(this, conversationId)));
    return feed;
  }

  failAllPending(code: ErrorCode, message: string): void {
    if (this.pending) for (const requestId of [...this.pending.keys()]) this.fail(requestId, code, message);
  }

  close(code: ErrorCode): void {
    if (!this.open) return;
    // Frames held in a round were sent as far as their writers know: they go before the close.
    this.flushRound();
    if (!this.open) return;
    this.open = false;
    if (this.buffered() === 0) return this.endNow(code);
    // uWS's end() would throw away the buffer and the close frame with it (the client would see
    // 1006), so the close waits for the drain; nothing more is queued meanwhile, so memory stays bounded.
    const timer = setTimeout(() => this.dropUnread(code), this.env.closeGraceMs);
    timer.unref();
    this.closing = { code, timer };
  }

  closed(): void {
    this.open = false;
    this.held = undefined;
    if (this.closing) clearTimeout(this.closing.timer);
    this.closing = undefined;
    this.requestReceived();
    if (this.pending) for (const requestId of [...this.pending.keys()]) this.settle(requestId);
    this.feeds = undefined;
  }

  /**
   * Runs a task of this connection in order: at once, within this call, when nothing of the session
   * is waiting; else after the tasks queued before it, whatever each waits on. A task that throws or
   * rejects is logged and the queue goes on.
   */
  inOrder(task: () => void | Promise<void>): void {
    if (this.unfinished > 0) {
      this.unfinished += 1;
      this.tail = (this.tail as Promise<void>).then(task).then(undefined, (err: unknown) => this.taskFailed(err)).then(() => this.taskFinished());
      return;
    }
    let result: void | Promise<void>;
    try {
      result = task();
    } catch (err) {
      this.taskFailed(err);
      return;
    }
    if (!(result instanceof Promise)) return;
    this.unfinished += 1;
    this.tail = result.then(undefined, (err: unknown) => this.taskFailed(err)).then(() => this.taskFinished());
  }

  /**
   * Writes one frame's text, or holds it while a send round is open. A client that does not read
   * fast enough is cut off (4009).
   */
  private write(text: string, type: ServerFrame['type'], errorCode: string | undefined): boolean {
    if (!this.open) return false;
    const { metrics, round } = this.env;
    if (round.isOpen()) {
      const held = this.held;
      if (held === undefined) {
        this.held = text;
        round.join(this);
      } else if (typeof held === 'string') this.held = [held, text];
      else held.push(text);
    } else {
      let status: number;
      try {
        status = this.socket.send(text);
      } catch (err) {
        return this.gone(err);
      }
      if (status === 2) return this.cutOff();
    }
    metrics.framesOut.count(type);
    if (errorCode !== undefined) metrics.errors.inc({ code: errorCode });
    return this.held !== undefined || this.keptUp();
  }

  /** Writes out the frames held during a round, corked when there are several: one socket write for all of them. */
  flushRound(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    if (!this.open) return;
    const { socket } = this;
    let dropped = false;
    try {
      if (typeof held === 'string') dropped = socket.send(held) === 2;
      else {
        socket.cork(() => {
          for (const text of held) {
            if (socket.send(text) === 2) {
              dropped = true;
              return;
            }
          }
        });
      }
    } catch (err) {
      this.gone(err);
      return;
    }
    if (dropped) this.cutOff();
    else this.keptUp();
  }

  private gone(err: unknown): false {
    this.open = false;
    this.held = undefined;
    this.env.logger.warn('sending to a socket that is gone', { sessionId: this.id, err });
    return false;
  }

  /** After a write: false, and the session closing, when the client does not read fast enough. */
  private keptUp(): boolean {
    return this.buffered() <= this.env.maxBufferedBytes || this.cutOff();
  }

  /** The client is not reading fast enough: it is cut off. */
  private cutOff(): false {
    this.env.logger.info('closing a slow consumer', { sessionId: this.id, userId: this.userId, buffered: this.buffered() });
    this.env.metrics.slowConsumers.inc();
    this.close('slow_consumer');
    return false;
  }

  private taskFailed(err: unknown): void {
    this.env.logger.error('handling a frame failed', { sessionId: this.id, err });
  }

  private taskFinished(): void {
    this.unfinished -= 1;
    // Idle again: the chain of settled promises is let go.
    if (this.unfinished === 0) this.tail = undefined;
  }

  private openGate(): void {
    this.gateOpensAt = 0;
    const waiter = this.gateWaiter;
    if (waiter === undefined) return;
    this.gateWaiter = undefined;
    if (waiter.timer) clearTimeout(waiter.timer);
    waiter.open();
  }

  private timedOut(requestId: string, timeoutMs: number): void {
    if (this.settle(requestId)) this.send(errorFrame(requestId, 'timeout', `no answer within ${timeoutMs} ms; retry with the same client id`));
  }

  private settle(requestId: string): Pending | undefined {
    const entry = this.pending?.get(requestId);
    if (!entry) return undefined;
    (this.pending as Map<string, Pending>).delete(requestId);
    entry.deadline?.cancel();
    return entry;
  }

  /** The socket's buffered bytes; 0 once uWS has let go of it. */
  private buffered(): number {
    try {
      return this.socket.getBufferedAmount();
    } catch {
      return 0;
    }
  }

  private endNow(code: ErrorCode): void {
    const closeCode = (ERROR_CODES[code] as { close?: number }).close ?? 1011;
    try {
      this.socket.end(closeCode, code);
    } catch (err) {
      this.env.logger.debug('socket was already closed', { sessionId: this.id, err });
    }
  }

  private dropUnread(code: ErrorCode): void {
    this.closing = undefined;
    this.env.logger.info('dropping a client that read nothing within the close grace', { sessionId: this.id, code });
    try {
      this.socket.close();
    } catch (err) {
      this.env.logger.debug('socket was already closed', { sessionId: this.id, err });
    }
  }
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
  /** When the access token expires (epoch ms): the gateway's sweep closes the session then with 4001 unauthorized. */
  expiresAt?: number;
  /** Where request timeouts wait; by default one set shared by every session of the process. */
  deadlines?: Deadlines;
  now?: () => number;
}

/** A session with an environment of its own; a gateway shares one environment among all its sessions. */
export function createSession(options: SessionOptions): ClientSession {
  const { socket } = options;
  const env = sessionEnvironment({
    maxBufferedBytes: options.maxBufferedBytes,
    metrics: options.metrics,
    logger: options.logger,
    createFeed: options.createFeed,
    ...(options.resumeGraceMs !== undefined ? { resumeGraceMs: options.resumeGraceMs } : {}),
    ...(options.closeGraceMs !== undefined ? { closeGraceMs: options.closeGraceMs } : {}),
    ...(options.deadlines !== undefined ? { deadlines: options.deadlines } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  const connection: ConnectionSocket = {
    send: (text) => socket.send(text),
    getBufferedAmount: () => socket.getBufferedAmount(),
    end: (code, reason) => socket.end(code, reason),
    ping: () => socket.ping(),
    close: () => socket.terminate(),
    cork: (cb) => cb(),
  };
  return new ClientSession(env, options.id, options.userId, options.expiresAt, options.bucket, connection);
}
