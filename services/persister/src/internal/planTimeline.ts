import type { Event } from '@switchboard/schemas';
import { toClientEvent } from '@switchboard/protocol';
import type { TimelineRow } from '../types/projection';

/** Identifies a timeline position across conversations. */
export function timelineKey(conversationId: string, seq: number): string {
  return `${conversationId}\u0000${seq}`;
}

/**
 * The persister_events rows of a round: one per sequenced event, the first copy of a repeated
 * (conversation, seq) only, ordered by conversation and seq so concurrent writers of the same
 * rows take their locks in the same order. Receipts (seq null) are not in the timeline.
 */
export function planTimeline(events: readonly Event[]): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  for (const event of events) {
    if (event.seq === null) continue;
    const key = timelineKey(event.conversationId, event.seq);
    if (rows.has(key)) continue;
    const payload = toClientEvent(event);
    rows.set(key, { conversationId: event.conversationId, seq: event.seq, kind: payload.kind, actorId: event.actorId, occurredAt: event.occurredAt, payload });
  }
  return [...rows.values()].sort(byConversationAndSeq);
}

function byConversationAndSeq(a: TimelineRow, b: TimelineRow): number {
  if (a.conversationId !== b.conversationId) return a.conversationId < b.conversationId ? -1 : 1;
  return a.seq - b.seq;
}

/**
 * The events whose effects still have to be applied: every receipt (they only ever move cursors
 * forward, so applying one twice changes nothing) and the first copy of each sequenced event
 * whose timeline row this transaction inserted. A sequenced event already in the timeline was
 * projected before, with all its effects, and is skipped whole; that is what keeps edit counts
 * and membership right when the log is replayed or an event was written twice.
 */
export function selectUnprojected(events: readonly Event[], insertedKeys: ReadonlySet<string>): Event[] {
  const pending = new Set(insertedKeys);
  return events.filter((event) => {
    if (event.seq === null) return true;
    return pending.delete(timelineKey(event.conversationId, event.seq));
  });
}
