import type { ClientEvent } from './wire';

/** Where an event came from: pushed by the server, or built by the client from the answer to its own request. */
export type EventOrigin = 'server' | 'local';

export interface TimelineDeps {
  /** Last seq the application has, per conversation (from the cursor store). */
  initial: Readonly<Record<string, number>>;
  /** The connected user's id, once known. */
  selfId(): string | undefined;
  /** Hands one event to the application. */
  deliver(event: ClientEvent): void;
  /** A conversation's cursor moved (to persist it). */
  advanced(conversationId: string, seq: number): void;
  /** Events are waiting behind a hole in this conversation. */
  gapOpened(conversationId: string): void;
}

export interface Timeline {
  /** Takes an event from any source; delivers it at most once and only in seq order. */
  accept(event: ClientEvent, origin: EventOrigin): void;
  cursor(conversationId: string): number | undefined;
  cursors(): Record<string, number>;
  /** The missing seqs before the first waiting event, when events wait. */
  gap(conversationId: string): { from: number; to: number } | undefined;
  /** Nothing before `seq` can be read by this user (history ends there): skip what is missing below it. */
  skipBelow(conversationId: string, seq: number): void;
}

interface Waiting {
  event: ClientEvent;
  origin: EventOrigin;
}

/**
 * Per-conversation order: an event at or below the cursor is a duplicate and dropped; the next seq
 * is delivered and drains what waited behind it; a later seq waits until the hole is filled.
 * Receipts have no seq: one that does not move its reader forward is dropped as a repeat.
 */
export function createTimeline(deps: TimelineDeps): Timeline {
  const cursors = new Map<string, number>(Object.entries(deps.initial));
  const waiting = new Map<string, Map<number, Waiting>>();
  const receipts = new Map<string, number>();

  function firstWaiting(conversationId: string): number | undefined {
    const buffer = waiting.get(conversationId);
    if (!buffer || buffer.size === 0) return undefined;
    let first = Number.POSITIVE_INFINITY;
    for (const seq of buffer.keys()) first = Math.min(first, seq);
    return first;
  }

  function drain(conversationId: string): void {
    const buffer = waiting.get(conversationId);
    let cursor = cursors.get(conversationId) ?? 0;
    const start = cursor;
    if (buffer) {
      for (const seq of [...buffer.keys()]) if (seq <= cursor) buffer.delete(seq);
      for (let next = buffer.get(cursor + 1); next; next = buffer.get(cursor + 1)) {
        buffer.delete(cursor + 1);
        cursor += 1;
        cursors.set(conversationId, cursor);
        deps.deliver(next.event);
      }
      if (buffer.size === 0) waiting.delete(conversationId);
    }
    if (cursor !== start) deps.advanced(conversationId, cursor);
    if (waiting.has(conversationId)) deps.gapOpened(conversationId);
  }

  function acceptReceipt(event: ClientEvent): void {
    const key = `${event.conversationId}\u0000${event.kind}\u0000${event.userId ?? ''}`;
    const upTo = event.upToSeq ?? 0;
    if (upTo <= (receipts.get(key) ?? 0)) return;
    receipts.set(key, upTo);
    deps.deliver(event);
  }

  return {
    accept(event, origin) {
      if (event.seq === null) return acceptReceipt(event);
      const { conversationId, seq } = event;
      const cursor = cursors.get(conversationId) ?? 0;
      if (seq <= cursor) return;
      // Joining (or rejoining) starts what this user may read: nothing before it will ever come.
      const joinsMe = event.kind === 'member_added' && event.userId !== undefined && event.userId === deps.selfId();
      if (joinsMe && seq > cursor + 1) cursors.set(conversationId, seq - 1);
      let buffer = waiting.get(conversationId);
      if (!buffer) waiting.set(conversationId, (buffer = new Map()));
      const held = buffer.get(seq);
      if (!held || (held.origin === 'local' && origin === 'server')) buffer.set(seq, { event, origin });
      drain(conversationId);
    },

    cursor: (conversationId) => cursors.get(conversationId),
    cursors: () => Object.fromEntries(cursors),

    gap(conversationId) {
      const first = firstWaiting(conversationId);
      if (first === undefined) return undefined;
      return { from: (cursors.get(conversationId) ?? 0) + 1, to: first - 1 };
    },

    skipBelow(conversationId, seq) {
      const cursor = cursors.get(conversationId) ?? 0;
      if (seq - 1 <= cursor) return;
      cursors.set(conversationId, seq - 1);
      deps.advanced(conversationId, seq - 1);
      drain(conversationId);
    },
  };
}
