import type { ClientEvent } from '@switchboard/protocol';

/** One page of a conversation's timeline. */
export interface EventPage {
  events: ClientEvent[];
  hasMore: boolean;
  /** The first seq the user may read (the seq they joined at); sent with events after a seq. */
  fromSeq?: number;
}

/** A conversation of the user as the persister's sync answers it, with the first events after the cursor. */
export interface SyncedConversation {
  conversationId: string;
  kind: string;
  name: string | null;
  lastSeq: number;
  readCursors: Record<string, number>;
  events: ClientEvent[];
  hasMore: boolean;
}

export type HistoryErrorCode = 'not_member' | 'conversation_not_found' | 'invalid_request' | 'unavailable';

/** A refused or failed persister call, with the error code the client should see. */
export class HistoryError extends Error {
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HistoryError';
  }
}

/** The persister API as the gateway uses it: resume, history and gap filling. */
export interface HistoryClient {
  /** Timeline events with seq > after, oldest first; with waitForSeq, the persister waits up to waitMs until it has that seq. */
  eventsAfter(query: { conversationId: string; userId: string; after: number; limit: number; waitForSeq?: number; waitMs?: number }): Promise<EventPage>;
  /** Timeline events before `before` (or the latest), for scrolling back. */
  history(query: { conversationId: string; userId: string; before?: number; limit: number }): Promise<EventPage>;
  /**
   * The user's conversations with the events after each cursor: at most `limit` per conversation
   * and, with `maxEvents`, at most that many in all (the conversations after the budget is spent
   * come with no events and `hasMore`).
   */
  sync(query: { userId: string; cursors: Record<string, number>; limit: number; maxEvents?: number }): Promise<SyncedConversation[]>;
}

export interface HistoryClientOptions {
  baseUrl: string;
  /** A call that takes longer fails with `unavailable`. */
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

const STATUS_CODES: Record<number, HistoryErrorCode> = { 400: 'invalid_request', 403: 'not_member', 404: 'conversation_not_found' };

export function createHistoryClient(options: HistoryClientOptions): HistoryClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call(path: string, init: RequestInit = {}, extraWaitMs = 0): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(options.timeoutMs + extraWaitMs) });
    } catch (err) {
      throw new HistoryError('unavailable', `the persister did not answer: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const code = STATUS_CODES[response.status] ?? 'unavailable';
      throw new HistoryError(code, messageOf(text) ?? `the persister answered ${response.status}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new HistoryError('unavailable', 'the persister answered with invalid JSON', { cause: err });
    }
  }

  return {
    async eventsAfter(q) {
      const params = new URLSearchParams({ userId: q.userId, after: String(q.after), limit: String(q.limit) });
      if (q.waitForSeq !== undefined) params.set('waitForSeq', String(q.waitForSeq));
      if (q.waitMs !== undefined) params.set('waitMs', String(q.waitMs));
      return eventPage(await call(`/v1/conversations/${encodeURIComponent(q.conversationId)}/events?${params}`, {}, q.waitMs ?? 0));
    },
    async history(q) {
      const params = new URLSearchParams({ userId: q.userId, limit: String(q.limit) });
      if (q.before !== undefined) params.set('before', String(q.before));
      return eventPage(await call(`/v1/conversations/${encodeURIComponent(q.conversationId)}/history?${params}`));
    },
    async sync(q) {
      const body = await call('/v1/sync', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: q.userId, cursors: q.cursors, limit: q.limit, ...(q.maxEvents === undefined ? {} : { maxEvents: q.maxEvents }) }),
      });
      const conversations = (body as { conversations?: unknown }).conversations;
      if (!Array.isArray(conversations)) throw new HistoryError('unavailable', 'the persister sync answer has no "conversations" list');
      return conversations.map(syncedConversation);
    },
  };
}

function messageOf(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

function eventPage(body: unknown): EventPage {
  const { events, hasMore, fromSeq } = (body ?? {}) as { events?: unknown; hasMore?: unknown; fromSeq?: unknown };
  if (!Array.isArray(events)) throw new HistoryError('unavailable', 'the persister answer has no "events" list');
  return { events: events as ClientEvent[], hasMore: hasMore === true, ...(typeof fromSeq === 'number' ? { fromSeq } : {}) };
}

function syncedConversation(raw: unknown): SyncedConversation {
  const c = (raw ?? {}) as Record<string, unknown>;
  if (typeof c.conversationId !== 'string') throw new HistoryError('unavailable', 'a synced conversation has no conversationId');
  return {
    conversationId: c.conversationId,
    kind: typeof c.kind === 'string' ? c.kind : 'direct',
    name: typeof c.name === 'string' ? c.name : null,
    lastSeq: typeof c.lastSeq === 'number' ? c.lastSeq : 0,
    readCursors: typeof c.readCursors === 'object' && c.readCursors !== null ? (c.readCursors as Record<string, number>) : {},
    events: Array.isArray(c.events) ? (c.events as ClientEvent[]) : [],
    hasMore: c.hasMore === true,
  };
}
