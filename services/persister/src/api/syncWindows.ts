import type { MemberConversation } from '../storage/interface';

/** What a sync answer reads of one conversation: up to `take` events after `afterSeq`. */
export interface SyncWindow {
  conversationId: string;
  afterSeq: number;
  take: number;
  /** How many events follow afterSeq as far as the conversation's last seq says. */
  available: number;
}

/**
 * Splits a sync answer's events between its conversations, in the answer's order: each gets up to
 * `limit`, and, with a budget, the conversations after the budget is spent get none (the caller
 * pages them from their cursor). A user added to a conversation later reads it from the seq they
 * joined at. Seqs are gap-free, so the events after a seq up to the last are `lastSeq - afterSeq`.
 */
export function planSyncWindows(
  conversations: readonly MemberConversation[],
  cursors: ReadonlyMap<string, number>,
  limit: number,
  maxEvents: number | null,
): SyncWindow[] {
  let budget = maxEvents ?? Number.POSITIVE_INFINITY;
  return conversations.map((c) => {
    const afterSeq = Math.max(cursors.get(c.conversationId) ?? 0, c.joinedSeq - 1);
    const available = Math.max(0, c.lastSeq - afterSeq);
    const take = Math.min(limit, budget);
    budget -= Math.min(take, available);
    return { conversationId: c.conversationId, afterSeq, take, available };
  });
}
