import { createBackoff } from './backoff';
import { createConnection, type Link } from './connection';
import { memoryCursorStore } from './cursorStores';
import { createEmitter } from './emitter';
import { SwitchboardError } from './errors';
import { createGapFiller } from './gapFiller';
import { eventFromAck } from './localEvents';
import { createOutbox, type OutboxEntry } from './outbox';
import { watchPresence } from './presenceWatch';
import { createRequests, type Outcome, type RequestBody } from './requests';
import type { WebSocketConstructorLike } from './socket';
import { createTimeline, type Timeline } from './timeline';
import { realTimers, type Timers } from './timers';
import type {
  ClientEventMap,
  ClientOptions,
  ConnectionState,
  HistoryPage,
  SendInput,
  SendResult,
  SeqResult,
  SwitchboardClient,
} from './types';
import { validatePresence, validateSend } from './validate';
import { MAX_HISTORY_PAGE, MAX_SYNC_CONVERSATIONS, type ClientEvent, type ConversationSummary, type ServerFrame, type UserPresence } from './wire';

const CLIENT_MSG_PREFIX = /^[A-Za-z0-9._:-]{1,64}$/;
/** A second sync this long after the first catches events stored late (see docs/client.md, "Guarantees"). */
const CATCH_UP_SYNC_MS = 1_500;

/** Where the entry points plug in what differs between Node and browsers. */
export interface Platform {
  WebSocket: WebSocketConstructorLike | undefined;
  timers?: Timers;
  random?: () => number;
}

/** The client, given the WebSocket implementation of its environment. */
export function createClientCore(options: ClientOptions, platform: Platform): SwitchboardClient {
  const WebSocketClass = options.WebSocket ?? platform.WebSocket;
  if (!WebSocketClass) throw new TypeError('createClient: no WebSocket implementation here; pass options.WebSocket');
  if (typeof options.token !== 'function') throw new TypeError('createClient: options.token must be a function that returns a token');
  const timers = platform.timers ?? realTimers;
  const random = platform.random ?? Math.random;
  const emitter = createEmitter<ClientEventMap>();
  const store = options.cursorStore ?? memoryCursorStore();
  const outbox = createOutbox(options.maxOutbox ?? 1000);
  const maxInFlight = options.maxInFlight ?? 64;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const heartbeatMs = options.heartbeatIntervalMs ?? 25_000;
  const clientPrefix = randomId(random);
  let sendCounter = 0;

  let userId: string | undefined;
  let state: ConnectionState = 'connecting';
  /** What the resumes reported, by conversation, the latest report of each. */
  const conversations = new Map<string, ConversationSummary>();
  let closed = false;
  /** Why the client stopped: client_closed, or the error that made reconnecting pointless. */
  let failure: SwitchboardError | undefined;
  let timeline: Timeline | undefined;
  /** The link requests go to, and whether its first sync was answered. */
  let active: { link: Link; synced: boolean; lastHeard: number; heartbeat?: unknown; catchUp?: unknown } | undefined;
  const readyWaiters = new Set<{ resolve: () => void; reject: (err: unknown) => void }>();
  /** Ephemeral frames seen while two links overlap, to drop the copy the other link brings. */
  const overlapSeen = new Map<string, number>();
  let liveLinks = 0;

  const requests = createRequests({
    timers,
    writer: () => (active ? active.link : undefined),
    rate: () => active?.link.welcome.limits.messagesPerSecond,
    maxFrameBytes: () => active?.link.welcome.limits.maxFrameBytes,
  });

  const gapFiller = createGapFiller({
    timers,
    delayMs: options.gapFillDelayMs ?? 500,
    gap: (conversationId) => timeline?.gap(conversationId),
    cursor: (conversationId) => timeline?.cursor(conversationId),
    fetch: (conversationId, before, limit) =>
      requests.request({ type: 'history', conversationId, before, limit }, { onLoss: 'retry', timeoutMs: requestTimeoutMs }) as Promise<{ events: ClientEvent[]; hasMore: boolean }>,
    accept: (event) => timeline?.accept(event, 'server'),
    skipBelow: (conversationId, seq) => timeline?.skipBelow(conversationId, seq),
    problem: (error) => emitter.emit('error', error),
  });

  function deliver(event: ClientEvent): void {
    emitter.emit('event', event);
    (emitter.emit as (name: string, payload: ClientEvent) => void)(event.kind, event);
  }

  const connection = createConnection(
    {
      nextUrl: urlSource(options.url),
      token: options.token,
      createSocket: (url) => new WebSocketClass(url),
      backoff: createBackoff(options.reconnect, random),
      timers,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      ...(options.tokenRefreshMarginMs !== undefined ? { tokenRefreshMarginMs: options.tokenRefreshMarginMs } : {}),
    },
    {
      opened: linkOpened,
      frame: onFrame,
      closed: linkClosed,
      idle: (link) => requests.idle(link.id),
      state: (next, detail) => {
        const previous = state;
        state = next;
        emitter.emit('state', { state: next, previous, ...detail });
        if (next === 'closed') finish(detail.error ?? new SwitchboardError('client_closed'));
      },
      problem: (error) => emitter.emit('error', error),
    },
  );

  function linkOpened(link: Link): void {
    userId = link.welcome.userId;
    liveLinks += 1;
    stopHeartbeat();
    active = { link, synced: false, lastHeard: timers.now() };
    // The first frame on every connection: the gateway holds live events until it, so they are
    // ordered against these cursors.
    sync(link, true);
    requests.pump();
    flushOutbox();
    startHeartbeat();
  }

  function sync(link: Link, first: boolean): void {
    const cursors = Object.fromEntries(
      Object.entries(timeline?.cursors() ?? {})
        .sort(([, a], [, b]) => b - a)
        .slice(0, MAX_SYNC_CONVERSATIONS),
    );
    const answer = requests.request({ type: 'sync', cursors }, { onLoss: 'lost', front: first, linkId: link.id });
    answer.then(
      (result) => synced(link, result as { conversations?: ConversationSummary[] }, first),
      (err: unknown) => {
        if (closed || active?.link.id !== link.id) return;
        emitter.emit('error', asError(err));
        timers.setTimeout(() => {
          if (!closed && active?.link.id === link.id) sync(link, first);
        }, 1_000);
      },
    );
  }

  function synced(link: Link, result: { conversations?: ConversationSummary[] }, first: boolean): void {
    if (closed) return;
    const reported = Array.isArray(result.conversations) ? result.conversations : [];
    for (const c of reported) {
      conversations.set(c.conversationId, c);
      if (c.lastSeq > (timeline?.cursor(c.conversationId) ?? 0)) gapFiller.behind(c.conversationId, c.lastSeq);
    }
    if (active?.link.id === link.id) {
      active.synced = true;
      if (first) {
        active.catchUp = timers.setTimeout(() => {
          if (!closed && active?.link.id === link.id) sync(link, false);
        }, CATCH_UP_SYNC_MS);
      }
    }
    emitter.emit('synced', { conversations: reported });
    for (const waiter of [...readyWaiters]) waiter.resolve();
    readyWaiters.clear();
  }

  function linkClosed(link: Link): void {
    liveLinks = Math.max(0, liveLinks - 1);
    if (liveLinks <= 1) overlapSeen.clear();
    if (active?.link.id === link.id) {
      stopHeartbeat();
      active = undefined;
    }
    requests.linkLost(link.id);
  }

  function onFrame(link: Link, frame: ServerFrame): void {
    if (active?.link.id === link.id) active.lastHeard = timers.now();
    switch (frame.type) {
      case 'ok':
      case 'error':
        if (frame.type === 'error' && frame.id === null) {
          emitter.emit('error', new SwitchboardError(frame.code, `the gateway could not read a frame: ${frame.message}`, { retriable: frame.retriable }));
          return;
        }
        return requests.answer(frame);
      case 'event':
        return timeline?.accept(frame.event, 'server');
      case 'typing':
        if (seenOnOtherLink(link, frame)) return;
        return emitter.emit('typing', { conversationId: frame.conversationId, userId: frame.userId, active: frame.active });
      case 'signal':
        if (seenOnOtherLink(link, frame)) return;
        return emitter.emit('signal', { from: frame.from, kind: frame.kind, payload: frame.payload });
      case 'welcome':
        return;
    }
  }

  /** While a replaced link and its successor overlap, both get the same live frames: keep one. */
  function seenOnOtherLink(link: Link, frame: ServerFrame): boolean {
    if (liveLinks <= 1) return false;
    const key = JSON.stringify(frame);
    const seenOn = overlapSeen.get(key);
    if (seenOn !== undefined && seenOn !== link.id) {
      overlapSeen.delete(key);
      return true;
    }
    overlapSeen.set(key, link.id);
    return false;
  }

  function startHeartbeat(): void {
    if (heartbeatMs <= 0 || !active) return;
    const current = active;
    current.heartbeat = timers.setTimeout(() => {
      if (closed || active !== current) return;
      if (timers.now() - current.lastHeard < heartbeatMs) return startHeartbeat();
      requests.request({ type: 'ping' }, { onLoss: 'lost', timeoutMs: requestTimeoutMs, linkId: current.link.id }).then(
        () => startHeartbeat(),
        (err: unknown) => {
          if (closed || active !== current) return;
          if (asError(err).code === 'timeout') connection.drop(current.link, 'no answer to a ping');
          else startHeartbeat();
        },
      );
    }, heartbeatMs);
  }

  function stopHeartbeat(): void {
    if (active?.heartbeat !== undefined) timers.clearTimeout(active.heartbeat);
    if (active?.catchUp !== undefined) timers.clearTimeout(active.catchUp);
  }

  // Sends -----------------------------------------------------------------------------------

  interface SendHandle {
    resolve: (result: SendResult) => void;
    reject: (err: unknown) => void;
  }
  const sendHandles = new WeakMap<OutboxEntry, SendHandle>();

  function flushOutbox(): void {
    if (closed) return;
    for (const entry of outbox.take(maxInFlight)) {
      const { message } = entry;
      const body: RequestBody = {
        type: 'send',
        ...(message.conversationId !== undefined ? { conversationId: message.conversationId } : {}),
        ...(message.to !== undefined ? { to: message.to } : {}),
        clientMsgId: message.clientMsgId,
        body: message.body,
        contentType: message.contentType,
      };
      requests.submit(body, { onLoss: 'lost' }, (outcome) => sendSettled(entry, body, outcome));
    }
  }

  function sendSettled(entry: OutboxEntry, body: RequestBody, outcome: Outcome): void {
    if (closed || outbox.get(entry.message.clientMsgId) !== entry) return;
    const handle = sendHandles.get(entry);
    if (outcome.ok) {
      outbox.remove(entry);
      const { result } = outcome;
      if (typeof result.conversationId !== 'string' || typeof result.seq !== 'number' || typeof result.messageId !== 'string') {
        handle?.reject(new SwitchboardError('internal', `the gateway acknowledged a send without its place: ${JSON.stringify(result)}`));
      } else {
        acceptOwn(body, result);
        handle?.resolve({ conversationId: result.conversationId, seq: result.seq, messageId: result.messageId });
      }
    } else if (outcome.lost) {
      // Its connection is gone: write it again, with the same client id, on the next one.
      outbox.requeue(entry);
    } else if (!outcome.error.retriable) {
      outbox.remove(entry);
      handle?.reject(outcome.error);
    } else {
      entry.refusals += 1;
      outbox.hold(entry);
      const delay = Math.floor(random() * Math.min(30_000, 250 * 2 ** Math.min(entry.refusals, 10)));
      timers.setTimeout(() => {
        if (closed || outbox.get(entry.message.clientMsgId) !== entry) return;
        outbox.requeue(entry);
        flushOutbox();
      }, delay);
    }
    flushOutbox();
  }

  function acceptOwn(body: RequestBody, result: Record<string, unknown>): void {
    if (!timeline || userId === undefined) return;
    const event = eventFromAck(body, result, userId, timers.now());
    if (event) timeline.accept(event, 'local');
  }

  // Lifecycle -------------------------------------------------------------------------------

  function finish(error: SwitchboardError): void {
    if (closed) return;
    closed = true;
    failure = error;
    stopHeartbeat();
    active = undefined;
    gapFiller.stop();
    requests.failAll(error);
    for (const entry of outbox.entries()) {
      outbox.remove(entry);
      sendHandles.get(entry)?.reject(error);
    }
    for (const waiter of [...readyWaiters]) waiter.reject(error);
    readyWaiters.clear();
  }

  const started = (async () => {
    let initial: Record<string, number> = {};
    try {
      initial = await store.load();
    } catch (err) {
      emitter.emit('error', new SwitchboardError('internal', `the cursor store could not be read; starting without cursors: ${String(err)}`, { cause: err }));
    }
    timeline = createTimeline({
      initial,
      selfId: () => userId,
      deliver,
      advanced: (conversationId, seq) => {
        try {
          const saved = store.save(conversationId, seq);
          if (saved && typeof (saved as Promise<void>).catch === 'function') {
            (saved as Promise<void>).catch((err: unknown) => emitter.emit('error', new SwitchboardError('internal', `saving a cursor failed: ${String(err)}`)));
          }
        } catch (err) {
          emitter.emit('error', new SwitchboardError('internal', `saving a cursor failed: ${String(err)}`));
        }
      },
      gapOpened: (conversationId) => gapFiller.opened(conversationId),
    });
    if (!closed) connection.start();
  })();

  function command<T>(frame: RequestBody, onLoss: 'retry' | 'fail' = 'fail'): Promise<T> {
    if (failure) return Promise.reject(failure);
    return requests.request(frame, { onLoss, timeoutMs: requestTimeoutMs }) as Promise<T>;
  }

  async function seqCommand(frame: RequestBody): Promise<SeqResult> {
    const result = await command<Record<string, unknown>>(frame);
    acceptOwn(frame, result);
    return { conversationId: result.conversationId as string, seq: result.seq as number };
  }

  const client: SwitchboardClient = {
    get userId() {
      return userId;
    },
    get state() {
      return state;
    },
    get conversations() {
      return [...conversations.values()];
    },

    ready() {
      if (failure) return Promise.reject(failure);
      if (active?.synced) return Promise.resolve();
      return new Promise((resolve, reject) => readyWaiters.add({ resolve, reject }));
    },

    send(input: SendInput) {
      if (failure) return Promise.reject(failure);
      const clientMsgId = input.clientMsgId ?? `${clientPrefix}-${(sendCounter += 1)}`;
      const problem = validateSend(input, active?.link.welcome.limits.maxBodyLength);
      if (problem) return Promise.reject(problem);
      if (!CLIENT_MSG_PREFIX.test(clientMsgId)) return Promise.reject(new SwitchboardError('invalid_request', 'clientMsgId must be 1-64 of A-Z a-z 0-9 . _ : -'));
      let entry: OutboxEntry;
      try {
        entry = outbox.add({
          ...(input.conversationId !== undefined ? { conversationId: input.conversationId } : {}),
          ...(input.to !== undefined ? { to: input.to } : {}),
          clientMsgId,
          body: input.body,
          contentType: input.contentType ?? 'text/plain',
        });
      } catch (err) {
        return Promise.reject(err);
      }
      const result = new Promise<SendResult>((resolve, reject) => sendHandles.set(entry, { resolve, reject }));
      flushOutbox();
      return result;
    },

    edit: (conversationId, seq, body) => seqCommand({ type: 'edit', conversationId, seq, body }),
    delete: (conversationId, seq) => seqCommand({ type: 'delete', conversationId, seq }),
    markRead: async (conversationId, seq) => {
      await command({ type: 'read', conversationId, seq }, 'retry');
    },
    markDelivered: async (conversationId, seq) => {
      await command({ type: 'delivered', conversationId, seq }, 'retry');
    },
    typing: async (conversationId, isActive = true) => {
      await command({ type: 'typing', conversationId, active: isActive }, 'retry');
    },
    signal: async (to, kind, payload) => {
      await command({ type: 'signal', to, kind, payload });
    },
    createGroup: (name, members) => seqCommand({ type: 'group.create', name, members: [...members] }),
    addMember: (conversationId, memberId) => seqCommand({ type: 'group.add', conversationId, userId: memberId }),
    removeMember: (conversationId, memberId) => seqCommand({ type: 'group.remove', conversationId, userId: memberId }),

    async history(conversationId, historyOptions = {}) {
      const limit = Math.min(historyOptions.limit ?? 50, MAX_HISTORY_PAGE);
      const result = await command<{ events?: ClientEvent[]; hasMore?: boolean }>(
        { type: 'history', conversationId, limit, ...(historyOptions.before !== undefined ? { before: historyOptions.before } : {}) },
        'retry',
      );
      return { events: result.events ?? [], hasMore: result.hasMore === true };
    },

    historyPages(conversationId, pageOptions = {}) {
      return {
        async *[Symbol.asyncIterator](): AsyncIterator<HistoryPage> {
          let before: number | undefined;
          for (;;) {
            const page = await client.history(conversationId, { ...pageOptions, ...(before !== undefined ? { before } : {}) });
            yield page;
            const first = page.events[0]?.seq;
            if (!page.hasMore || typeof first !== 'number') return;
            before = first;
          }
        },
      };
    },

    cursor: (conversationId) => timeline?.cursor(conversationId),

    async presence(userIds) {
      const problem = validatePresence(userIds);
      if (problem) throw problem;
      const asked = [...new Set(userIds)];
      const result = await command<{ users?: Record<string, Partial<UserPresence>> }>({ type: 'presence', userIds: asked }, 'retry');
      const users = result.users ?? {};
      // fromEntries defines own properties, so a user named "__proto__" is an entry like any other.
      return Object.fromEntries(
        asked.map((id) => {
          const entry = Object.prototype.hasOwnProperty.call(users, id) ? users[id] : undefined;
          const sessions = typeof entry?.sessions === 'number' ? entry.sessions : 0;
          return [id, { online: sessions > 0, sessions }];
        }),
      );
    },

    watchPresence(userIds, watchOptions, onChange) {
      const problem = validatePresence(userIds);
      if (problem) throw problem;
      return watchPresence({
        userIds: [...new Set(userIds)],
        intervalMs: watchOptions?.intervalMs ?? 15_000,
        timers,
        fetch: (ids) => client.presence(ids),
        isConnected: () => state === 'connected',
        onStateChange: (listener) => emitter.on('state', listener),
        onChange,
        problem: (err) => emitter.emit('error', asError(err)),
      });
    },

    on: (name, listener) => emitter.on(name, listener),
    off: (name, listener) => emitter.off(name, listener),
    once: (name, listener) => emitter.once(name, listener),

    async close() {
      if (closed) return;
      await started;
      connection.stop();
      finish(new SwitchboardError('client_closed'));
    },
  };
  return client;
}

function urlSource(url: ClientOptions['url']): () => string | Promise<string> {
  if (typeof url === 'function') return url;
  const urls = typeof url === 'string' ? [url] : [...url];
  if (urls.length === 0) throw new TypeError('createClient: options.url names no gateway');
  let next = 0;
  return () => urls[next++ % urls.length] as string;
}

function randomId(random: () => number): string {
  const bytes = new Uint8Array(8);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return `c${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function asError(err: unknown): SwitchboardError {
  return err instanceof SwitchboardError ? err : new SwitchboardError('internal', String((err as Error)?.message ?? err), { cause: err });
}
