import type { ClientEvent } from '@switchboard/protocol';
import type { ProgressSignal } from '../../internal/progressSignal';
import type { HistoryReader } from '../../storage/interface';
import { parseEventsQuery } from '../params';
import type { JsonAnswer } from '../respond';
import { waitForSeq } from '../waitForSeq';
import { requireMember } from './requireMember';

export interface EventsBody {
  events: ClientEvent[];
  lastSeq: number;
  hasMore: boolean;
  /** The first seq the user may read: nothing before it is missing for them. */
  fromSeq: number;
}

/**
 * GET /v1/conversations/:id/events?userId&after&limit[&waitForSeq&waitMs]: the events after a
 * seq, ascending, from the seq the user joined at. With waitForSeq, first waits (bounded) for the
 * projection to reach that seq: a gateway that saw seq N pushed live asks for the gap before it
 * and must not get an answer that stops short of it only because the persister is a moment behind.
 */
export function createEventsRoute(deps: { reader: HistoryReader; progress: ProgressSignal; pollMs?: number }) {
  return async (conversationId: string, query: URLSearchParams): Promise<JsonAnswer> => {
    const params = parseEventsQuery(query);
    if (params.waitForSeq !== null) {
      await waitForSeq({
        conversationId,
        seq: params.waitForSeq,
        waitMs: params.waitMs,
        readLastSeq: async () => (await deps.reader.conversation(conversationId))?.lastSeq ?? 0,
        progress: deps.progress,
        pollMs: deps.pollMs,
      });
    }
    const { conversation, joinedSeq } = await requireMember(deps.reader, conversationId, params.userId);
    const rows = await deps.reader.eventsAfter(conversationId, Math.max(params.after, joinedSeq - 1), params.limit + 1);
    const events = rows.slice(0, params.limit);
    const body: EventsBody = {
      events,
      lastSeq: Math.max(conversation.lastSeq, events.at(-1)?.seq ?? 0),
      hasMore: rows.length > params.limit,
      fromSeq: joinedSeq,
    };
    return { status: 200, body };
  };
}
