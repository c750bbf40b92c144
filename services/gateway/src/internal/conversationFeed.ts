import type { ClientEvent } from '@switchboard/protocol';
import { HistoryError, type EventPage } from '../storage/historyClient';

export interface FeedDeps {
  conversationId: string;
  /** The session's user: the removal of this user ends what they may read of the conversation. */
  userId: string;
  /** Timeline events after `after`, oldest first. With `waitForSeq`, the persister may wait until it has that seq. */
  fetchPage(after: number, waitForSeq?: number): Promise<EventPage>;
  /** Sends one event to the session. */
  push(event: ClientEvent): void;
  /** Live events wait for this before they are ordered (see Session.liveGate). */
  ready(): Promise<void>;
  /** Where the client stands before anything was pushed: its sync cursor, undefined when it did not sync. */
  startPosition(): number | undefined;
  /** False once the session closed; queued work is then skipped. */
  active(): boolean;
  /** How long a live event may wait while the gap before it is fetched (retried while the persister cannot answer). */
  gapHoldMs: number;
  /**
   * The gap before a live event was not filled within `gapHoldMs`. The event is not pushed: the
   * session must be closed (resync_required), so that the client syncs rather than skips.
   */
  onGapUnfilled(gap: { conversationId: string; from: number; to: number; err?: unknown }): void;
  onError(err: unknown): void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One session's view of one conversation: every event it pushes goes through one ordered queue,
 * so the session sees the timeline in order, without duplicates, and with gaps filled from the
 * persister. `ack` replaces the push of the session's own event by the answer to its request,
 * at the same place in the order.
 */
export interface ConversationFeed {
  /** A live, sequenced event. `ack` returns false when there is nothing to answer any more. */
  live(event: ClientEvent, ack?: () => boolean): Promise<void>;
  /**
   * A resume: the client says it has everything up to `cursor`; `first` holds the events after it.
   * Pages on while there is more. Resolves false when the persister failed before the end.
   */
  resync(cursor: number, first: EventPage): Promise<boolean>;
  /** Last seq pushed (or known to the client), undefined before the first. */
  position(): number | undefined;
}

export const GAP_PAGE_LIMIT = 1000;
/** First and longest pause between two tries at a gap the persister could not fill. */
const GAP_RETRY_MIN_MS = 50;
const GAP_RETRY_MAX_MS = 1_000;

export function createConversationFeed(deps: FeedDeps): ConversationFeed {
  /** Last seq the client has. */
  let delivered: number | undefined;
  /** The client has every event from here to `delivered` (its contiguous run). */
  let runFrom: number | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  /** Tasks queued and not finished; with none and the gate open, the next event in order needs no queue. */
  let queued = 0;
  let gateOpen = false;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  void deps.ready().then(() => void (gateOpen = true));

  function enqueue<T>(task: () => Promise<T>, fallback: T): Promise<T> {
    queued++;
    const run = tail.then(() => deps.ready()).then(async () => (deps.active() ? task() : fallback));
    const settled = run
      .catch((err: unknown) => {
        deps.onError(err);
        return fallback;
      })
      .finally(() => void queued--);
    tail = settled;
    return settled;
  }

  function emit(event: ClientEvent, ack?: () => boolean): void {
    const seq = event.seq as number;
    if (!(ack && ack())) deps.push(event);
    delivered = seq;
    runFrom ??= seq;
  }

  /** Pushes the timeline events after `delivered`, in order, up to `upTo` when given. */
  function emitPage(events: readonly ClientEvent[], upTo = Number.POSITIVE_INFINITY): void {
    for (const event of events) {
      if (event.seq === null || event.seq > upTo) continue;
      if (delivered !== undefined && event.seq <= delivered) continue;
      emit(event);
    }
  }

  /**
   * Fills the gap up to `upTo` from the persister, in order, retrying while it cannot answer or is
   * behind. True when the client now has everything up to `upTo`; false when the session must
   * resync (the hold ran out, or the session closed).
   */
  async function fillGap(upTo: number, endsMembership: boolean): Promise<boolean> {
    const from = (delivered ?? 0) + 1;
    const deadline = now() + deps.gapHoldMs;
    let pause = GAP_RETRY_MIN_MS;
    let lastError: unknown;
    while (deps.active()) {
      const before = delivered ?? 0;
      if (before >= upTo) return true;
      try {
        const page = await deps.fetchPage(before, upTo);
        // Seqs before the user joined are not theirs to have: no gap there.
        if (page.fromSeq !== undefined && page.fromSeq - 1 > before) {
          delivered = Math.min(page.fromSeq - 1, upTo);
        }
        emitPage(page.events, upTo);
        if ((delivered ?? 0) > before) {
          pause = GAP_RETRY_MIN_MS;
          continue;
        }
        lastError = undefined;
      } catch (err) {
        // The user's own removal may be projected before the gap is read: what lies between is no
        // longer theirs to read, and the removal is the last event they get of the conversation.
        if (endsMembership && err instanceof HistoryError && err.code === 'not_member') return true;
        lastError = err;
      }
      if (now() + pause > deadline) break;
      await sleep(pause);
      pause = Math.min(pause * 2, GAP_RETRY_MAX_MS);
    }
    if (!deps.active()) return false;
    deps.onGapUnfilled({ conversationId: deps.conversationId, from, to: upTo, ...(lastError === undefined ? {} : { err: lastError }) });
    return false;
  }

  return {
    live(event, ack) {
      // The common case, the next event of an idle feed, is pushed at once: queueing it would
      // only add three promise hops per recipient to every delivery.
      if (queued === 0 && gateOpen && delivered !== undefined && event.seq === delivered + 1 && deps.active()) {
        emit(event, ack);
        return Promise.resolve();
      }
      return enqueue(async () => {
        const seq = event.seq;
        if (seq === null) {
          if (!(ack && ack())) deps.push(event);
          return;
        }
        if (delivered === undefined) {
          const start = deps.startPosition();
          if (start === undefined) {
            emit(event, ack);
            return;
          }
          delivered = start;
          runFrom = 1;
        }
        if (seq <= delivered) {
          ack?.();
          return;
        }
        // Never past a hole: an event whose gap stays open is not pushed, and the session resyncs.
        const endsMembership = event.kind === 'member_removed' && event.userId === deps.userId;
        if (seq > delivered + 1 && !(await fillGap(seq - 1, endsMembership))) return;
        emit(event, ack);
      }, undefined);
    },

    resync(cursor, first) {
      return enqueue(async () => {
        const connects = delivered !== undefined && runFrom !== undefined && cursor >= runFrom - 1;
        delivered = connects ? Math.max(cursor, delivered as number) : cursor;
        runFrom = 1;
        emitPage(first.events);
        let hasMore = first.hasMore;
        try {
          while (hasMore && deps.active()) {
            const before = delivered;
            const page = await deps.fetchPage(before);
            emitPage(page.events);
            hasMore = page.hasMore && delivered > before;
          }
        } catch (err) {
          deps.onError(err);
          return false;
        }
        return true;
      }, false);
    },

    position: () => delivered,
  };
}
