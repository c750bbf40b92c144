import type { ClientEvent } from '@switchboard/protocol';
import type { HistoryReader } from '../../storage/interface';
import { parseHistoryQuery } from '../params';
import type { JsonAnswer } from '../respond';
import { requireMember } from './requireMember';

export interface HistoryBody {
  /** Ascending. */
  events: ClientEvent[];
  /** Whether older events the user may read exist before the first one returned. */
  hasMore: boolean;
  lastSeq: number;
}

/**
 * GET /v1/conversations/:id/history?userId&before&limit: the page of timeline events just before
 * `before` (the newest page without it), returned in ascending order. Paging goes backwards by
 * passing the first returned seq as the next `before`.
 */
export function createHistoryRoute(deps: { reader: HistoryReader }) {
  return async (conversationId: string, query: URLSearchParams): Promise<JsonAnswer> => {
    const params = parseHistoryQuery(query);
    const { conversation, joinedSeq } = await requireMember(deps.reader, conversationId, params.userId);
    const newestFirst = await deps.reader.eventsBefore(conversationId, params.before, joinedSeq, params.limit + 1);
    const body: HistoryBody = {
      events: newestFirst.slice(0, params.limit).reverse(),
      hasMore: newestFirst.length > params.limit,
      lastSeq: conversation.lastSeq,
    };
    return { status: 200, body };
  };
}
