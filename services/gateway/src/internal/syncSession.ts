import type { Request } from '@switchboard/protocol';
import { HistoryError, type HistoryClient } from '../storage/historyClient';
import type { Session } from './session';

type SyncRequest = Extract<Request, { type: 'sync' }>;

export const SYNC_PAGE_LIMIT = 500;

/**
 * Resume: asks the persister for the user's conversations and what the client missed after its
 * cursors, pushes it through each conversation's feed (so live events queued meanwhile are not
 * repeated), and only then answers with the conversation list. The request must be pending.
 */
export async function syncSession(session: Session, request: SyncRequest, history: HistoryClient): Promise<void> {
  // From here on live events are ordered against these cursors, so one racing the persister's
  // answer is neither pushed early nor repeated by the sync.
  session.startSync(request.cursors);
  let conversations;
  try {
    conversations = await history.sync({ userId: session.userId, cursors: request.cursors, limit: SYNC_PAGE_LIMIT });
  } catch (err) {
    const code = err instanceof HistoryError ? err.code : 'internal';
    session.fail(request.id, code, err instanceof Error ? err.message : undefined);
    return;
  }
  const complete = await Promise.all(
    conversations.map((c) =>
      session.feed(c.conversationId).resync(request.cursors[c.conversationId] ?? 0, { events: c.events, hasMore: c.hasMore }),
    ),
  );
  if (complete.includes(false)) {
    session.fail(request.id, 'unavailable', 'the history could not be read to the end; sync again');
    return;
  }
  session.answer(request.id, {
    conversations: conversations.map(({ conversationId, kind, name, lastSeq, readCursors }) => ({ conversationId, kind, name, lastSeq, readCursors })),
  });
}
