import { SwitchboardError } from '@switchboard/errors';
import type { ClientEvent } from '@switchboard/protocol';
import type { CatchUpOutcome } from '../../internal/logCatchUp';
import type { HistoryReader } from '../../storage/interface';
import { parseSyncRequest } from '../params';
import type { JsonAnswer } from '../respond';
import { planSyncWindows } from '../syncWindows';

export interface SyncedConversation {
  conversationId: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastSeq: number;
  /** Events after the cursor (or from the seq the user joined at), ascending. */
  events: ClientEvent[];
  /**
   * Whether more events follow the last one returned (or the cursor, when the answer's event
   * budget left none for this conversation); ask again with that seq as the cursor.
   */
  hasMore: boolean;
  /** Each member's read seq. */
  readCursors: Record<string, number>;
}

const CATCH_UP_REFUSALS: Record<Exclude<CatchUpOutcome, 'caught_up'>, string> = {
  timed_out: 'the projection has not reached the end of the log yet; sync again shortly',
  log_unavailable: 'the end of the log cannot be read from Kafka, so the answer could be incomplete; sync again shortly',
};

/**
 * POST /v1/sync {userId, cursors, limit}: for every conversation the user currently belongs to
 * whose last seq is past the cursor sent for it (0 when none was sent), the events the user is
 * missing, as of the end of the log when the request arrived (see logCatchUp). Conversations
 * already up to date are left out. When the projection cannot be shown to hold everything
 * committed before the request, the answer is 503 `unavailable`, never a partial `ok`. With
 * `maxEvents`, the answer carries at most that many events, given to the conversations in order;
 * the caller pages the rest with the events route, so a large resume is never one large answer.
 */
export function createSyncRoute(deps: { reader: HistoryReader; catchUp?: () => Promise<CatchUpOutcome> }) {
  return async (body: unknown): Promise<JsonAnswer> => {
    const request = parseSyncRequest(body);
    // Events committed before the client asked must be in the answer, not only those projected:
    // an answer that may lack some of them is no answer (`ok` means complete), so it is refused.
    const outcome = (await deps.catchUp?.()) ?? 'caught_up';
    if (outcome !== 'caught_up') throw new SwitchboardError('unavailable', CATCH_UP_REFUSALS[outcome]);
    const ahead = await deps.reader.conversationsAhead(request.userId, request.cursors);
    const windows = planSyncWindows(ahead, request.cursors, request.limit, request.maxEvents);
    // One more than each window takes tells whether more follow.
    const reads = windows.filter((w) => w.take > 0).map((w) => ({ conversationId: w.conversationId, afterSeq: w.afterSeq, limit: w.take + 1 }));
    const ids = ahead.map((c) => c.conversationId);
    const [events, readCursors] = await Promise.all([deps.reader.eventWindows(reads), deps.reader.readPositions(ids)]);
    const conversations: SyncedConversation[] = ahead.map((c, i) => {
      const window = windows[i]!;
      const rows = events.get(c.conversationId) ?? [];
      return {
        conversationId: c.conversationId,
        kind: c.kind,
        name: c.name,
        lastSeq: c.lastSeq,
        events: rows.slice(0, window.take),
        hasMore: window.take > 0 ? rows.length > window.take : window.available > 0,
        readCursors: readCursors.get(c.conversationId) ?? {},
      };
    });
    return { status: 200, body: { conversations } };
  };
}
