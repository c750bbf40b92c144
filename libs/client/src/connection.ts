import type { Backoff } from './backoff';
import { decideAfter, refusedStatus, type LinkEnd } from './closePolicy';
import { SwitchboardError } from './errors';
import { readTokenTimes, refreshAt } from './jwt';
import { urlWithToken, type WebSocketLike } from './socket';
import type { Timers } from './timers';
import type { ConnectionState } from './types';
import { PROTOCOL_VERSION, decodeServerFrame, type ServerFrame, type WelcomeFrame } from './wire';

/** One socket that said welcome. */
export interface Link {
  readonly id: number;
  readonly url: string;
  readonly welcome: WelcomeFrame;
  /** Writes a text frame; false when the socket is not open any more. */
  write(text: string): boolean;
}

export interface ConnectionHooks {
  /** A socket said welcome; from now on requests go to it. A link it replaces stays until `idle`. */
  opened(link: Link): void;
  frame(link: Link, frame: ServerFrame): void;
  /** A link is gone; `byClient` when the client closed it (replaced after a token refresh, or stopped). */
  closed(link: Link, end: LinkEnd, byClient: boolean): void;
  /** Resolves when no request waits for an answer on the link, so that it can be closed. */
  idle(link: Link): Promise<void>;
  state(state: ConnectionState, detail: { error?: SwitchboardError; closeCode?: number; delayMs?: number }): void;
  /** Something the connection handles itself went wrong (for logs). */
  problem(error: SwitchboardError): void;
}

export interface ConnectionOptions {
  nextUrl: () => string | Promise<string>;
  token: () => string | Promise<string>;
  createSocket: (url: string) => WebSocketLike;
  backoff: Backoff;
  timers: Timers;
  connectTimeoutMs: number;
  tokenRefreshMarginMs?: number;
  /** Upgrades refused with 401 in a row before the client gives up (default 3). */
  maxUnauthorized?: number;
}

export interface Connection {
  start(): void;
  /** Closes every socket with 1000; nothing reconnects any more. */
  stop(): void;
  /** Gives up on a link that stopped answering; it is treated as lost and replaced. */
  drop(link: Link, why: string): void;
}

type Purpose = 'primary' | 'successor';

interface Attempt {
  id: number;
  url: string;
  socket: WebSocketLike;
  purpose: Purpose;
  tokenTimes: ReturnType<typeof readTokenTimes>;
  welcomeTimer?: ReturnType<Timers['setTimeout']>;
  errorMessage?: unknown;
  link?: Link;
  openedAt?: number;
}

const ignore = (): void => undefined;

/** A link that lived at least this long may reconnect at once after 1001 or 4001; a shorter one backs off. */
const STABLE_MS = 1_000;
/** The soonest a token refresh starts after a connection opened, so that odd token lifetimes cannot spin. */
const MIN_REFRESH_DELAY_MS = 1_000;
/** Longest wait for a replaced link's last answers. */
const RETIRE_WAIT_MS = 5_000;

/**
 * The sockets of one client: connects, says which socket requests go to, applies the close-code
 * policy with backoff, and replaces a connection before its token expires (make before break:
 * the new socket takes over once it said welcome; the old one is closed once its answers are in).
 */
export function createConnection(options: ConnectionOptions, hooks: ConnectionHooks): Connection {
  const { timers, backoff } = options;
  const maxUnauthorized = options.maxUnauthorized ?? 3;
  let nextId = 0;
  let stopped = false;
  let started = false;
  let state: ConnectionState = 'connecting';
  let active: Attempt | undefined;
  let connecting: Attempt | undefined;
  const retiring = new Set<Attempt>();
  let reconnectTimer: ReturnType<Timers['setTimeout']> | undefined;
  let refreshTimer: ReturnType<Timers['setTimeout']> | undefined;
  let unauthorizedInRow = 0;

  function setState(next: ConnectionState, detail: Parameters<ConnectionHooks['state']>[1] = {}): void {
    // A retry being scheduled is news even when the state stays (connecting, or reconnecting).
    if (next === state && detail.delayMs === undefined) return;
    state = next;
    hooks.state(next, detail);
  }

  function clearTimer(timer: ReturnType<Timers['setTimeout']> | undefined): undefined {
    if (timer !== undefined) timers.clearTimeout(timer);
    return undefined;
  }

  function detach(attempt: Attempt): void {
    attempt.welcomeTimer = clearTimer(attempt.welcomeTimer);
    const { socket } = attempt;
    socket.onopen = null;
    socket.onmessage = null;
    // Not null: `ws` throws an error event nobody listens to, e.g. when closed before it opened.
    socket.onerror = ignore;
    socket.onclose = null;
  }

  function closeSocket(attempt: Attempt, code: number, reason: string): void {
    detach(attempt);
    try {
      attempt.socket.close(code, reason);
    } catch {
      // already closing, or never opened
    }
  }

  async function open(purpose: Purpose): Promise<void> {
    let url: string;
    let token: string;
    try {
      [url, token] = await Promise.all([options.nextUrl(), options.token()]);
    } catch (err) {
      if (stopped) return;
      hooks.problem(new SwitchboardError('unavailable', `the url or token provider failed: ${String((err as Error)?.message ?? err)}`, { cause: err }));
      return purpose === 'primary' ? retry('backoff') : undefined;
    }
    if (stopped) return;
    if (purpose === 'successor' && (!active || connecting)) return;
    let socket: WebSocketLike;
    try {
      socket = options.createSocket(urlWithToken(url, token));
    } catch (err) {
      hooks.problem(new SwitchboardError('invalid_request', `cannot open ${url}: ${String((err as Error)?.message ?? err)}`, { cause: err }));
      return purpose === 'primary' ? retry('backoff') : undefined;
    }
    const attempt: Attempt = { id: ++nextId, url, socket, purpose, tokenTimes: readTokenTimes(token) };
    connecting = attempt;
    attempt.welcomeTimer = timers.setTimeout(() => {
      closeSocket(attempt, 1000, 'no welcome');
      ended(attempt, { kind: 'dropped', why: `no welcome within ${options.connectTimeoutMs} ms` });
    }, options.connectTimeoutMs);
    socket.onmessage = (event) => {
      const text = typeof event.data === 'string' ? event.data : String(event.data);
      const frame = decodeServerFrame(text);
      if (!frame) {
        hooks.problem(new SwitchboardError('bad_frame', `the gateway sent a frame that is not a JSON object: ${text.slice(0, 80)}`));
        return;
      }
      if (attempt.link) hooks.frame(attempt.link, frame);
      else if (frame.type === 'welcome') welcomed(attempt, frame);
    };
    socket.onerror = (event) => {
      attempt.errorMessage = event?.message;
    };
    socket.onclose = (event) => {
      detach(attempt);
      const status = attempt.link ? undefined : refusedStatus(attempt.errorMessage);
      ended(attempt, status !== undefined ? { kind: 'refused', status } : { kind: 'closed', code: event.code, reason: event.reason });
    };
  }

  function welcomed(attempt: Attempt, welcome: WelcomeFrame): void {
    attempt.welcomeTimer = clearTimer(attempt.welcomeTimer);
    if (welcome.protocol !== PROTOCOL_VERSION) {
      closeSocket(attempt, 1000, 'unsupported protocol');
      if (connecting === attempt) connecting = undefined;
      return stopWith(new SwitchboardError('unsupported_version', `the gateway speaks protocol ${welcome.protocol}; this client speaks ${PROTOCOL_VERSION}`));
    }
    const { socket } = attempt;
    attempt.openedAt = timers.now();
    attempt.link = {
      id: attempt.id,
      url: attempt.url,
      welcome,
      write(text) {
        if (socket.readyState !== 1) return false;
        socket.send(text);
        return true;
      },
    };
    if (connecting === attempt) connecting = undefined;
    backoff.reset();
    unauthorizedInRow = 0;
    const previous = active;
    active = attempt;
    setState('connected');
    hooks.opened(attempt.link);
    scheduleRefresh(attempt);
    if (previous) retire(previous);
  }

  function retire(attempt: Attempt): void {
    retiring.add(attempt);
    const link = attempt.link as Link;
    const expiresIn = attempt.tokenTimes.expiresAt !== undefined ? attempt.tokenTimes.expiresAt - timers.now() - 100 : RETIRE_WAIT_MS;
    let timer: ReturnType<Timers['setTimeout']> | undefined;
    const deadline = new Promise<void>((resolve) => (timer = timers.setTimeout(resolve, Math.max(0, Math.min(RETIRE_WAIT_MS, expiresIn)))));
    void Promise.race([hooks.idle(link), deadline]).then(() => {
      clearTimer(timer);
      if (!retiring.delete(attempt)) return;
      closeSocket(attempt, 1000, 'replaced');
      hooks.closed(link, { kind: 'closed', code: 1000, reason: 'replaced' }, true);
    });
  }

  function scheduleRefresh(attempt: Attempt): void {
    refreshTimer = clearTimer(refreshTimer);
    const at = refreshAt(attempt.tokenTimes, timers.now(), options.tokenRefreshMarginMs);
    if (at === undefined) return;
    const delay = Math.max(MIN_REFRESH_DELAY_MS, at - timers.now());
    if (delay > 2 ** 31 - 1) return;
    refreshTimer = timers.setTimeout(() => {
      refreshTimer = undefined;
      if (!stopped && active === attempt && !connecting) void open('successor');
    }, delay);
  }

  /** A socket is gone, before or after its welcome. */
  function ended(attempt: Attempt, end: LinkEnd): void {
    if (stopped) return;
    if (connecting === attempt) connecting = undefined;
    if (retiring.delete(attempt)) {
      hooks.closed(attempt.link as Link, end, false);
      return;
    }
    if (attempt.link && attempt === active) {
      active = undefined;
      refreshTimer = clearTimer(refreshTimer);
      hooks.closed(attempt.link, end, false);
      const lived = timers.now() - (attempt.openedAt ?? 0);
      return afterLoss(end, lived >= STABLE_MS, closeCodeOf(end));
    }
    if (attempt.link) return;
    // Never welcomed.
    if (attempt.purpose === 'successor' && active) return successorFailed(end);
    afterLoss(end, false, closeCodeOf(end));
  }

  function closeCodeOf(end: LinkEnd): number | undefined {
    return end.kind === 'closed' ? end.code : end.kind === 'refused' ? end.status : undefined;
  }

  function afterLoss(end: LinkEnd, stable: boolean, closeCode: number | undefined): void {
    // A token refresh already underway becomes the reconnect.
    if (connecting) {
      connecting.purpose = 'primary';
      setState('reconnecting', closeCode === undefined ? {} : { closeCode, delayMs: 0 });
      return;
    }
    const decision = decideAfter(end);
    if (decision.action === 'stop') return stopWith(decision.error);
    if (end.kind === 'refused' && end.status === 401) {
      unauthorizedInRow += 1;
      if (unauthorizedInRow >= maxUnauthorized) {
        return stopWith(new SwitchboardError('unauthorized', `the gateway refused ${unauthorizedInRow} fresh tokens in a row`));
      }
      hooks.problem(new SwitchboardError('unauthorized', 'the gateway refused the token; trying again with a new one'));
    }
    retry(decision.at === 'once' && stable ? 'once' : 'backoff', closeCode);
  }

  function successorFailed(end: LinkEnd): void {
    const decision = decideAfter(end);
    const noRoom = (end.kind === 'refused' && end.status === 429) || (end.kind === 'closed' && end.code === 4008);
    if (noRoom && active?.link) {
      // No room for a second session: break before make instead.
      const old = active;
      active = undefined;
      closeSocket(old, 1000, 'token refresh');
      hooks.closed(old.link as Link, { kind: 'closed', code: 1000, reason: 'token refresh' }, true);
      return retry('once');
    }
    if (decision.action === 'stop') return stopWith(decision.error);
    hooks.problem(new SwitchboardError('unavailable', 'a connection with a refreshed token could not be opened; trying again'));
    const attempt = active;
    if (!attempt) return;
    refreshTimer = clearTimer(refreshTimer);
    refreshTimer = timers.setTimeout(() => {
      refreshTimer = undefined;
      if (!stopped && active === attempt && !connecting) void open('successor');
    }, backoff.next());
  }

  function retry(at: 'once' | 'backoff', closeCode?: number): void {
    if (stopped) return;
    reconnectTimer = clearTimer(reconnectTimer);
    const delayMs = at === 'once' ? 0 : backoff.next();
    setState(started && state !== 'connecting' ? 'reconnecting' : 'connecting', { delayMs, ...(closeCode === undefined ? {} : { closeCode }) });
    reconnectTimer = timers.setTimeout(() => {
      reconnectTimer = undefined;
      void open('primary');
    }, delayMs);
  }

  function stopWith(error: SwitchboardError | undefined): void {
    if (stopped) return;
    stopped = true;
    reconnectTimer = clearTimer(reconnectTimer);
    refreshTimer = clearTimer(refreshTimer);
    if (connecting) closeSocket(connecting, 1000, 'client closed');
    connecting = undefined;
    for (const attempt of [...retiring, ...(active ? [active] : [])]) {
      closeSocket(attempt, 1000, 'client closed');
      hooks.closed(attempt.link as Link, { kind: 'closed', code: 1000, reason: 'client closed' }, true);
    }
    retiring.clear();
    active = undefined;
    setState('closed', error ? { error } : {});
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      void open('primary');
    },
    stop: () => stopWith(undefined),
    drop(link, why) {
      const attempt = active?.id === link.id ? active : [...retiring].find((a) => a.id === link.id);
      if (!attempt) return;
      closeSocket(attempt, 1000, why);
      ended(attempt, { kind: 'dropped', why });
    },
  };
}
