import type { Request } from '@switchboard/protocol';
import { HistoryError, type HistoryClient, type SyncedConversation } from '../storage/historyClient';
import type { Session } from './session';

type SyncRequest = Extract<Request, { type: 'sync' }>;

/** Most events per conversation in the persister's sync answer: one page, as a gap fill reads. */
export const SYNC_PAGE_LIMIT = 1000;
/** Most events in the whole sync answer; the conversations it leaves out are paged from their cursors. */
export const SYNC_ANSWER_EVENTS = 1000;
/**
 * Conversations replayed at once. Each holds one page at a time, so a resume of any size holds at
 * most this many pages plus the sync answer; a few at once keep the persister and the gateway
 * busy together rather than in turn.
 */
export const SYNC_CONVERSATIONS_AT_ONCE = 4;

/**
 * Resume: asks the persister for the user's conversations and the first page of what the client
 * missed after its cursors, then replays each conversation through its feed (so live events
 * queued meanwhile are not repeated), a few conversations at a time, each page by page; only then
 * does it answer with the conversation list. The request must be pending.
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
  const complete = await replayAll(session, request.cursors, conversations);
  if (!complete) {
    session.fail(request.id, 'unavailable', 'the history could not be read to the end; sync again');
    return;
  }
  session.answer(request.id, {
    conversations: conversations.map(({ conversationId, kind, name, lastSeq, readCursors }) => ({ conversationId, kind, name, lastSeq, readCursors })),
  });
}

/**
 * Replays the conversations, at most SYNC_CONVERSATIONS_AT_ONCE at a time; false as soon as one
 * could not be read to the end (no further one is started) or the session closed.
 */
async function replayAll(session: Session, cursors: Readonly<Record<string, number>>, conversations: SyncedConversation[]): Promise<boolean> {
  let next = 0;
  let complete = true;
  const worker = async () => {
    while (complete && next < conversations.length && session.isOpen()) {
      const c = conversations[next++]!;
      if (!(await session.feed(c.conversationId).resync(cursors[c.conversationId] ?? 0, { events: c.events, hasMore: c.hasMore }))) complete = false;
    }
  };
  await Promise.all(Array.from({ length: Math.min(SYNC_CONVERSATIONS_AT_ONCE, conversations.length) }, worker));
  return complete && session.isOpen();
}
