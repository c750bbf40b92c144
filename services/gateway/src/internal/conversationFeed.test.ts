import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientEvent } from '@switchboard/protocol';
import { HistoryError, type EventPage } from '../storage/historyClient';
import { createConversationFeed, type FeedDeps } from './conversationFeed';

const CONVERSATION = `grp.${'c'.repeat(32)}`;

function event(seq: number | null, body = `m${seq}`): ClientEvent {
  return { conversationId: CONVERSATION, conversationKind: 'group', seq, kind: seq === null ? 'read' : 'message', actorId: 'bob', at: 1, body };
}

/**
 * A persister holding events 1..lastSeq, readable from `joinedSeq`; `fail` makes every fetch throw.
 * Time is simulated: each retry pause moves the clock, and `onSleep` may change the persister.
 */
function harness(options: { lastSeq?: number; start?: number; fail?: boolean; pageSize?: number; joinedSeq?: number; holdMs?: number; onSleep?: (clock: number) => void } = {}) {
  const pushed: (number | null)[] = [];
  const fetches: { after: number; waitForSeq?: number }[] = [];
  const gaps: { from: number; to: number }[] = [];
  const errors: unknown[] = [];
  let lastSeq = options.lastSeq ?? 0;
  let start = options.start;
  let active = true;
  let fail = options.fail ?? false;
  let failure: Error = new Error('persister down');
  let clock = 0;
  const sleeps: number[] = [];
  const pageSize = options.pageSize ?? 1000;
  const joinedSeq = options.joinedSeq ?? 1;
  const deps: FeedDeps = {
    conversationId: CONVERSATION,
    userId: 'carol',
    async fetchPage(after, waitForSeq): Promise<EventPage> {
      fetches.push(waitForSeq === undefined ? { after } : { after, waitForSeq });
      if (fail) throw failure;
      const events: ClientEvent[] = [];
      for (let seq = Math.max(after, joinedSeq - 1) + 1; seq <= lastSeq && events.length < pageSize; seq++) events.push(event(seq));
      return { events, hasMore: (events.at(-1)?.seq ?? after) < lastSeq, fromSeq: joinedSeq };
    },
    push: (e) => void pushed.push(e.seq),
    ready: () => Promise.resolve(),
    startPosition: () => start,
    active: () => active,
    gapHoldMs: options.holdMs ?? 10_000,
    onGapUnfilled: (gap) => {
      gaps.push({ from: gap.from, to: gap.to });
      active = false;
    },
    onError: (err) => void errors.push(err),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      options.onSleep?.(clock);
    },
  };
  return {
    feed: createConversationFeed(deps),
    pushed,
    fetches,
    gaps,
    errors,
    sleeps,
    setLastSeq: (n: number) => void (lastSeq = n),
    setFail: (f: boolean, error?: Error) => {
      fail = f;
      if (error) failure = error;
    },
    startSync: (cursor: number) => void (start = cursor),
    close: () => void (active = false),
  };
}

test('in-order events are pushed as they come, the first one as the baseline', async () => {
  const h = harness();
  await Promise.all([h.feed.live(event(5)), h.feed.live(event(6)), h.feed.live(event(7))]);
  assert.deepEqual(h.pushed, [5, 6, 7]);
  assert.equal(h.fetches.length, 0, 'no fetch without a gap');
  assert.equal(h.feed.position(), 7);
});

test('duplicates and older events are dropped', async () => {
  const h = harness();
  await h.feed.live(event(3));
  await h.feed.live(event(4));
  await h.feed.live(event(4));
  await h.feed.live(event(2));
  await h.feed.live(event(5));
  assert.deepEqual(h.pushed, [3, 4, 5]);
});

test('a gap is filled from the persister, in order, before the live event', async () => {
  const h = harness({ lastSeq: 9 });
  await h.feed.live(event(3));
  await h.feed.live(event(7));
  assert.deepEqual(h.pushed, [3, 4, 5, 6, 7]);
  assert.deepEqual(h.fetches, [{ after: 3, waitForSeq: 6 }]);
  assert.deepEqual(h.gaps, []);
  await h.feed.live(event(8));
  assert.deepEqual(h.pushed, [3, 4, 5, 6, 7, 8]);
});

test('gap filling pages until it reaches the event before the live one', async () => {
  const h = harness({ lastSeq: 20, pageSize: 4 });
  await h.feed.live(event(1));
  await h.feed.live(event(12));
  assert.deepEqual(h.pushed, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(
    h.fetches.map((f) => f.after),
    [1, 5, 9],
  );
});

test('a gap the persister cannot fill within the hold is never skipped: the event is not pushed and the session is told to resync', async () => {
  const h = harness({ fail: true, holdMs: 3_000 });
  await h.feed.live(event(2));
  await h.feed.live(event(6));
  assert.deepEqual(h.pushed, [2], 'nothing past the hole');
  assert.deepEqual(h.gaps, [{ from: 3, to: 5 }]);
  assert.ok(h.fetches.length > 3, `the fill was retried (${h.fetches.length} tries)`);
  assert.ok(h.sleeps.reduce((a, b) => a + b, 0) <= 3_000, 'within the hold');
  await h.feed.live(event(7));
  assert.deepEqual(h.pushed, [2], 'a closed session gets nothing more');
});

test('a persister that lacks part of the gap pushes what it has, and nothing past the hole', async () => {
  const h = harness({ lastSeq: 4, holdMs: 2_000 });
  await h.feed.live(event(1));
  await h.feed.live(event(8));
  assert.deepEqual(h.pushed, [1, 2, 3, 4]);
  assert.deepEqual(h.gaps, [{ from: 2, to: 7 }]);
});

test('while the persister is down, the live events of the conversation wait; once it answers, the gap is filled and they follow in order', async () => {
  const h = harness({ lastSeq: 9, fail: true, onSleep: (clock) => clock >= 2_000 && h.setFail(false) });
  await h.feed.live(event(2));
  await Promise.all([h.feed.live(event(7)), h.feed.live(event(8))]);
  assert.deepEqual(h.pushed, [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(h.gaps, []);
});

test('a projection that is behind is asked again until it has the gap', async () => {
  const h = harness({ lastSeq: 3, onSleep: (clock) => clock >= 500 && h.setLastSeq(9) });
  await h.feed.live(event(1));
  await h.feed.live(event(7));
  assert.deepEqual(h.pushed, [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(h.gaps, []);
});

test("the user's own removal is pushed when the gap before it may no longer be read; anyone else's is not", async () => {
  const notMember = new HistoryError('not_member', 'carol is not a member');
  const removal = (userId: string, seq: number): ClientEvent => ({ ...event(seq), kind: 'member_removed', userId });
  const own = harness({ holdMs: 1_000 });
  await own.feed.live(event(3));
  own.setFail(true, notMember);
  await own.feed.live(removal('carol', 6));
  assert.deepEqual(own.pushed, [3, 6]);
  assert.deepEqual(own.gaps, []);
  const other = harness({ holdMs: 1_000 });
  await other.feed.live(event(3));
  other.setFail(true, notMember);
  await other.feed.live(removal('dave', 6));
  assert.deepEqual(other.pushed, [3]);
  assert.deepEqual(other.gaps, [{ from: 4, to: 5 }]);
});

test('seqs before the user joined are no gap: a new member gets the live event at once', async () => {
  const h = harness({ lastSeq: 40, joinedSeq: 41, start: 0 });
  await h.feed.live(event(41));
  assert.deepEqual(h.pushed, [41]);
  assert.deepEqual(h.gaps, []);
  assert.equal(h.sleeps.length, 0);
});

test('a member who joined inside the gap gets it from the seq they joined at', async () => {
  const h = harness({ lastSeq: 44, joinedSeq: 42, start: 0 });
  await h.feed.live(event(45));
  assert.deepEqual(h.pushed, [42, 43, 44, 45]);
});

test('after a sync that named no cursor for it, a conversation starts at 0, so its whole timeline is filled', async () => {
  const h = harness({ lastSeq: 3, start: 0 });
  await h.feed.live(event(4));
  assert.deepEqual(h.pushed, [1, 2, 3, 4]);
});

test("the own event's ack replaces its push, in order", async () => {
  const h = harness({ lastSeq: 5 });
  const acks: number[] = [];
  await h.feed.live(event(2));
  await h.feed.live(event(5), () => {
    acks.push(h.pushed.length);
    return true;
  });
  assert.deepEqual(h.pushed, [2, 3, 4], 'the own event is not pushed');
  assert.deepEqual(acks, [3], 'the ack comes after the filled gap');
  assert.equal(h.feed.position(), 5);
});

test('an ack with nothing left to answer falls back to pushing the event', async () => {
  const h = harness();
  await h.feed.live(event(1), () => false);
  assert.deepEqual(h.pushed, [1]);
});

test('an own event already delivered is not pushed again, but still answered', async () => {
  const h = harness();
  let answered = 0;
  await h.feed.live(event(3));
  await h.feed.live(event(3), () => {
    answered += 1;
    return true;
  });
  assert.deepEqual(h.pushed, [3]);
  assert.equal(answered, 1);
});

test('resync pushes the events after the cursor and pages while there is more', async () => {
  const h = harness({ lastSeq: 9, pageSize: 3 });
  const complete = await h.feed.resync(2, { events: [event(3), event(4), event(5)], hasMore: true });
  assert.equal(complete, true);
  assert.deepEqual(h.pushed, [3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(h.fetches, [{ after: 5 }, { after: 8 }]);
  assert.equal(h.feed.position(), 9);
});

test("the sync cursor wins over a live baseline the client's cursor does not reach", async () => {
  const h = harness({ lastSeq: 8 });
  await h.feed.live(event(8));
  assert.deepEqual(h.pushed, [8]);
  await h.feed.resync(5, { events: [event(6), event(7), event(8)], hasMore: false });
  assert.deepEqual(h.pushed, [8, 6, 7, 8], 'everything after the cursor is pushed, even what the live baseline skipped');
});

test('resync does not repeat live events the client already had in one run with its cursor', async () => {
  const h = harness({ lastSeq: 8 });
  await h.feed.live(event(6));
  await h.feed.live(event(7));
  await h.feed.resync(5, { events: [event(6), event(7), event(8)], hasMore: false });
  assert.deepEqual(h.pushed, [6, 7, 8]);
});

test('live events queued behind a resync are deduplicated against it', async () => {
  const h = harness({ lastSeq: 4 });
  const sync = h.feed.resync(0, { events: [event(1), event(2), event(3), event(4)], hasMore: false });
  const live = h.feed.live(event(4));
  const next = h.feed.live(event(5));
  await Promise.all([sync, live, next]);
  assert.deepEqual(h.pushed, [1, 2, 3, 4, 5]);
});

test('a resync whose paging fails reports it', async () => {
  const h = harness({ fail: true });
  const complete = await h.feed.resync(0, { events: [event(1)], hasMore: true });
  assert.equal(complete, false);
  assert.deepEqual(h.pushed, [1]);
  assert.equal(h.errors.length, 1);
});

test('receipts are pushed without moving the position', async () => {
  const h = harness();
  await h.feed.live(event(2));
  await h.feed.live(event(null));
  assert.deepEqual(h.pushed, [2, null]);
  assert.equal(h.feed.position(), 2);
});

test('nothing is pushed once the session closed', async () => {
  const h = harness({ lastSeq: 5 });
  await h.feed.live(event(1));
  h.close();
  await h.feed.live(event(2));
  assert.deepEqual(h.pushed, [1]);
});

test('a live event racing the sync is ordered against the sync cursor: the gap is filled first and the sync repeats nothing', async () => {
  const h = harness({ lastSeq: 250, start: 100 });
  await h.feed.live(event(250));
  assert.deepEqual(h.pushed, Array.from({ length: 150 }, (_, i) => 101 + i), 'filled from the cursor, not from 1, then the live event');
  h.setLastSeq(260);
  const first = { events: Array.from({ length: 160 }, (_, i) => event(101 + i)), hasMore: false };
  assert.equal(await h.feed.resync(100, first), true);
  assert.deepEqual(h.pushed, Array.from({ length: 160 }, (_, i) => 101 + i), 'the sync only adds what was not pushed');
});

test('live events wait for the gate, so a sync that opens it is known before the first push', async () => {
  const pushed: number[] = [];
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let start: number | undefined;
  const feed = createConversationFeed({
    conversationId: CONVERSATION,
    userId: 'carol',
    fetchPage: async (after) => ({ events: Array.from({ length: 7 - after }, (_, i) => event(after + 1 + i)), hasMore: false }),
    push: (e) => void pushed.push(e.seq as number),
    ready: () => gate,
    startPosition: () => start,
    active: () => true,
    gapHoldMs: 1_000,
    onGapUnfilled: () => undefined,
    onError: () => undefined,
  });
  const live = feed.live(event(8));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(pushed, [], 'nothing is pushed before the gate opens');
  start = 5;
  openGate();
  await live;
  assert.deepEqual(pushed, [6, 7, 8]);
});

test('the next event of an idle feed is pushed within the call, with no promise of its own', async () => {
  const h = harness();
  await h.feed.live(event(1));
  const second = h.feed.live(event(2));
  assert.deepEqual(h.pushed, [1, 2], 'pushed before anything was awaited');
  assert.equal(h.feed.live(event(3)), second, 'one settled promise shared by every push at once');
  assert.deepEqual(h.pushed, [1, 2, 3]);
});
