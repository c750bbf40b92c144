import type { ClientEvent, Request } from '@switchboard/protocol';
import { HistoryError, type HistoryClient, type SyncedConversation } from '../storage/historyClient';
import { createReplayWindow, type ReplayWindow } from './replayWindow';
import type { Session } from './session';

type SyncRequest = Extract<Request, { type: 'sync' }>;

/** Most events per conversation in the persister's sync answer, and per page after it. */
export const SYNC_PAGE_LIMIT = 1000;
/** Most events in the whole sync answer; the conversations it leaves out are paged from their cursors. */
export const SYNC_ANSWER_EVENTS = 1000;
/**
 * Conversations replayed at once. Each holds one page at a time, so a resume of any size holds at
 * most this many pages plus the sync answer; a few at once let the persister read the next pages
 * while the gateway pushes one.
 */
export const SYNC_CONVERSATIONS_AT_ONCE = 4;
/** Pages pushed that the client may not have read yet (see replayWindow.ts). */
export const SYNC_UNREAD_PAGES = 2;
/** Longest the replay waits for the client to read a page before it pushes on regardless. */
export const SYNC_READ_WAIT_MS = 5_000;

/**
 * Resume: asks the persister for the user's conversations and the first page of what the client
 * missed after its cursors, then replays each conversation through its feed (so live events
 * queued meanwhile are not repeated), a few conversations at a time, each page by page and no
 * faster than the client reads; only then does it answer with the conversation list. The request
 * must be pending.
 */
export async function syncSession(session: Session, request: SyncRequest, history: HistoryClient): Promise<void> {
  // From here on live events are ordered against these cursors, so one racing the persister's
  // answer is neither pushed early nor repeated by the sync.
  session.startSync(request.cursors);
  let conversations: SyncedConversation[];
  try {
    conversations = await history.sync({ userId: session.userId, cursors: request.cursors, limit: SYNC_PAGE_LIMIT, maxEvents: SYNC_ANSWER_EVENTS });
  } catch (err) {
    const code = err instanceof HistoryError ? err.code : 'internal';
    session.fail(request.id, code, err instanceof Error ? err.message : undefined);
    return;
  }
  const window = createReplayWindow(session, { pages: SYNC_UNREAD_PAGES, maxWaitMs: SYNC_READ_WAIT_MS });
  const complete = await replayAll(conversations, (c) => replayConversation(session, history, window, request.cursors[c.conversationId] ?? 0, c));
  if (!complete || !session.isOpen()) {
    session.fail(request.id, 'unavailable', 'the history could not be read to the end; sync again');
    return;
  }
  session.answer(request.id, {
    conversations: conversations.map(({ conversationId, kind, name, lastSeq, readCursors }) => ({ conversationId, kind, name, lastSeq, readCursors })),
  });
}

/**
 * Runs `replay` over the conversations, at most SYNC_CONVERSATIONS_AT_ONCE at a time; false as
 * soon as one could not be read to the end (no further one is started).
 */
async function replayAll(conversations: readonly SyncedConversation[], replay: (c: SyncedConversation) => Promise<boolean>): Promise<boolean> {
  let next = 0;
  let complete = true;
  const worker = async () => {
    while (complete && next < conversations.length) {
      if (!(await replay(conversations[next++]!))) complete = false;
    }
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_CONVERSATIONS_AT_ONCE, conversations.length) }, worker));
  return complete;
}

/**
 * Pushes one conversation's missed events through its feed, a page at a time: each page is a
 * resync from the client's cursor, so the feed skips what it already pushed (live events that
 * arrived meanwhile included) and the order rules are the feed's own. The next page is read while
 * the client reads this one. False when the session closed or the persister failed before the end.
 */
async function replayConversation(session: Session, history: HistoryClient, window: ReplayWindow, cursor: number, first: SyncedConversation): Promise<boolean> {
  const feed = session.feed(first.conversationId);
  let page: { events: ClientEvent[]; hasMore: boolean } = first;
  let after: number | undefined;
  for (;;) {
    if (!(await feed.resync(cursor, { events: page.events, hasMore: false }))) return false;
    if (page.events.length > 0) window.pushed();
    if (!page.hasMore) return session.isOpen();
    const from = feed.position() ?? cursor;
    // A page that moved nothing would be asked for again and again: the feed's own paging stops there too.
    if (from === after) return session.isOpen();
    after = from;
    try {
      page = await history.eventsAfter({ conversationId: first.conversationId, userId: session.userId, after, limit: SYNC_PAGE_LIMIT });
    } catch {
      return false;
    }
    await window.room();
    if (!session.isOpen()) return false;
  }
}
