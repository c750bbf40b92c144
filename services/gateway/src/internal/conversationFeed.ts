import type { ClientEvent } from '@switchboard/protocol';
import { HistoryError, type EventPage } from '../storage/historyClient';

/** What a feed needs of its session; the session itself is one. */
export interface FeedSubscriber {
  /** The session's user: the removal of this user ends what they may read of the conversation. */
  readonly userId: string;
  /** False once the session closed; queued work is then skipped. */
  isOpen(): boolean;
  /** Live events wait for this before they are ordered (see Session.liveGate). */
  liveGate(): Promise<void>;
  /** Where the client stands before anything was pushed: its sync cursor, undefined when it did not sync. */
  resumePosition(conversationId: string): number | undefined;
  /** Sends one event to the session. */
  pushEvent(event: ClientEvent): void;
}

/** What every feed of a gateway shares, held once; `S` is the kind of subscriber it serves. */
export interface FeedEnvironment<S extends FeedSubscriber = FeedSubscriber> {
  /** Timeline events after `after`, oldest first. With `waitForSeq`, the persister may wait until it has that seq. */
  fetchPage(conversationId: string, userId: string, after: number, waitForSeq?: number): Promise<EventPage>;
  /** How long a live event may wait while the gap before it is fetched (retried while the persister cannot answer). */
  gapHoldMs: number;
  /**
   * The gap before a live event was not filled within `gapHoldMs`. The event is not pushed: the
   * session must be closed (resync_required), so that the client syncs rather than skips.
   */
  onGapUnfilled(subscriber: S, gap: UnfilledGap): void;
  onError(subscriber: S, conversationId: string, err: unknown): void;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface UnfilledGap {
  conversationId: string;
  from: number;
  to: number;
  err?: unknown;
}

/** A feed's collaborators one by one, as `createConversationFeed` takes them. */
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
  onGapUnfilled(gap: UnfilledGap): void;
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

const DONE: Promise<void> = Promise.resolve();

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A feed as a class: a session may hold one per conversation it was sent anything in, so its state
 * is a few fields, and everything else is the subscriber's (the session) or the environment's
 * (shared by the gateway). Nothing is allocated for the common case, the next event of an idle feed.
 */
export class OrderedFeed<S extends FeedSubscriber = FeedSubscriber> implements ConversationFeed {
  /** Last seq the client has. */
  private delivered: number | undefined = undefined;
  /** The client has every event from here to `delivered` (its contiguous run). */
  private runFrom: number | undefined = undefined;
  private tail: Promise<unknown> = DONE;
  /** Tasks queued and not finished; with none and the gate open, the next event in order needs no queue. */
  private queued = 0;
  private gateOpen = false;

  constructor(
    private readonly env: FeedEnvironment<S>,
    private readonly subscriber: S,
    private readonly conversationId: string,
  ) {
    void subscriber.liveGate().then(() => void (this.gateOpen = true));
  }

  live(event: ClientEvent, ack?: () => boolean): Promise<void> {
    // The common case, the next event of an idle feed, is pushed at once: queueing it would
    // only add three promise hops per recipient to every delivery.
    const { delivered } = this;
    if (this.queued === 0 && this.gateOpen && delivered !== undefined && event.seq === delivered + 1 && this.subscriber.isOpen()) {
      this.emit(event, ack);
      return DONE;
    }
    return this.enqueue(() => this.order(event, ack), undefined);
  }

  resync(cursor: number, first: EventPage): Promise<boolean> {
    return this.enqueue(() => this.replay(cursor, first), false);
  }

  position(): number | undefined {
    return this.delivered;
  }

  private enqueue<T>(task: () => Promise<T>, fallback: T): Promise<T> {
    this.queued++;
    const run = this.tail.then(() => this.subscriber.liveGate()).then(async () => (this.subscriber.isOpen() ? task() : fallback));
    const settled = run
      .catch((err: unknown) => {
        this.env.onError(this.subscriber, this.conversationId, err);
        return fallback;
      })
      .finally(() => void this.queued--);
    this.tail = settled;
    return settled;
  }

  /** A live event whose turn came in the queue. */
  private async order(event: ClientEvent, ack: (() => boolean) | undefined): Promise<void> {
    const seq = event.seq;
    if (seq === null) {
      if (!(ack && ack())) this.subscriber.pushEvent(event);
      return;
    }
    if (this.delivered === undefined) {
      const start = this.subscriber.resumePosition(this.conversationId);
      if (start === undefined) {
        this.emit(event, ack);
        return;
      }
      this.delivered = start;
      this.runFrom = 1;
    }
    if (seq <= this.delivered) {
      ack?.();
      return;
    }
    // Never past a hole: an event whose gap stays open is not pushed, and the session resyncs.
    const endsMembership = event.kind === 'member_removed' && event.userId === this.subscriber.userId;
    if (seq > this.delivered + 1 && !(await this.fillGap(seq - 1, endsMembership))) return;
    this.emit(event, ack);
  }

  private async replay(cursor: number, first: EventPage): Promise<boolean> {
    const { delivered, runFrom } = this;
    const connects = delivered !== undefined && runFrom !== undefined && cursor >= runFrom - 1;
    this.delivered = connects ? Math.max(cursor, delivered) : cursor;
    this.runFrom = 1;
    this.emitPage(first.events);
    let hasMore = first.hasMore;
    try {
      while (hasMore && this.subscriber.isOpen()) {
        const before = this.delivered as number;
        const page = await this.fetch(before);
        this.emitPage(page.events);
        hasMore = page.hasMore && (this.delivered as number) > before;
      }
    } catch (err) {
      this.env.onError(this.subscriber, this.conversationId, err);
      return false;
    }
    return true;
  }

  private fetch(after: number, waitForSeq?: number): Promise<EventPage> {
    return this.env.fetchPage(this.conversationId, this.subscriber.userId, after, waitForSeq);
  }

  private emit(event: ClientEvent, ack?: () => boolean): void {
    const seq = event.seq as number;
    if (!(ack && ack())) this.subscriber.pushEvent(event);
    this.delivered = seq;
    this.runFrom ??= seq;
  }

  /** Pushes the timeline events after `delivered`, in order, up to `upTo` when given. */
  private emitPage(events: readonly ClientEvent[], upTo = Number.POSITIVE_INFINITY): void {
    for (const event of events) {
      if (event.seq === null || event.seq > upTo) continue;
      if (this.delivered !== undefined && event.seq <= this.delivered) continue;
      this.emit(event);
    }
  }

  /**
   * Fills the gap up to `upTo` from the persister, in order, retrying while it cannot answer or is
   * behind. True when the client now has everything up to `upTo`; false when the session must
   * resync (the hold ran out, or the session closed).
   */
  private async fillGap(upTo: number, endsMembership: boolean): Promise<boolean> {
    const { env, subscriber } = this;
    const from = (this.delivered ?? 0) + 1;
    const deadline = env.now() + env.gapHoldMs;
    let pause = GAP_RETRY_MIN_MS;
    let lastError: unknown;
    while (subscriber.isOpen()) {
      const before = this.delivered ?? 0;
      if (before >= upTo) return true;
      try {
        const page = await this.fetch(before, upTo);
        // Seqs before the user joined are not theirs to have: no gap there.
        if (page.fromSeq !== undefined && page.fromSeq - 1 > before) {
          this.delivered = Math.min(page.fromSeq - 1, upTo);
        }
        this.emitPage(page.events, upTo);
        if ((this.delivered ?? 0) > before) {
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
      if (env.now() + pause > deadline) break;
      await env.sleep(pause);
      pause = Math.min(pause * 2, GAP_RETRY_MAX_MS);
    }
    if (!subscriber.isOpen()) return false;
    env.onGapUnfilled(subscriber, { conversationId: this.conversationId, from, to: upTo, ...(lastError === undefined ? {} : { err: lastError }) });
    return false;
  }
}

/** A feed whose collaborators are given one by one (tests, and anything outside a gateway). */
export function createConversationFeed(deps: FeedDeps): ConversationFeed {
  const env: FeedEnvironment = {
    fetchPage: (_conversationId, _userId, after, waitForSeq) => deps.fetchPage(after, waitForSeq),
    gapHoldMs: deps.gapHoldMs,
    onGapUnfilled: (_subscriber, gap) => deps.onGapUnfilled(gap),
    onError: (_subscriber, _conversationId, err) => deps.onError(err),
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? defaultSleep,
  };
  const subscriber: FeedSubscriber = {
    userId: deps.userId,
    isOpen: () => deps.active(),
    liveGate: () => deps.ready(),
    resumePosition: () => deps.startPosition(),
    pushEvent: (event) => deps.push(event),
  };
  return new OrderedFeed(env, subscriber, deps.conversationId);
}
