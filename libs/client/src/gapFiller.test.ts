import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from './errors';
import { createGapFiller } from './gapFiller';
import { createTimeline } from './timeline';
import { FakeTimers } from './testSupport/fakeTimers';
import { GROUP, message } from './testSupport/events';
import type { ClientEvent } from './wire';

/** A timeline wired to a gap filler whose history comes from `stored` (what the platform has). */
function setup(stored: ClientEvent[], options: { visibleFrom?: number; failures?: SwitchboardError[] } = {}) {
  const timers = new FakeTimers();
  const delivered: number[] = [];
  const fetches: { before: number; limit: number }[] = [];
  const problems: string[] = [];
  const failures = [...(options.failures ?? [])];
  const timeline = createTimeline({
    initial: {},
    selfId: () => 'me',
    deliver: (e) => delivered.push(e.seq as number),
    advanced: () => undefined,
    gapOpened: (id) => filler.opened(id),
  });
  const filler = createGapFiller({
    timers,
    delayMs: 500,
    gap: (id) => timeline.gap(id),
    cursor: (id) => timeline.cursor(id),
    async fetch(_id, before, limit) {
      fetches.push({ before, limit });
      const failure = failures.shift();
      if (failure) throw failure;
      const readable = stored.filter((e) => (e.seq as number) < before && (e.seq as number) >= (options.visibleFrom ?? 1));
      const page = readable.slice(-limit);
      return { events: page, hasMore: readable.length > limit };
    },
    accept: (e) => timeline.accept(e, 'server'),
    skipBelow: (id, seq) => timeline.skipBelow(id, seq),
    problem: (err) => problems.push(err.code),
  });
  return { timers, timeline, filler, delivered, fetches, problems };
}

const stored = (n: number) => Array.from({ length: n }, (_, i) => message(i + 1));

test('a hole that the server does not fill is fetched from history after the delay, exactly the missing seqs', async () => {
  const { timers, timeline, delivered, fetches } = setup(stored(10));
  timeline.accept(message(1), 'server');
  timeline.accept(message(5), 'server');
  await timers.advance(499);
  assert.deepEqual(fetches, [], 'nothing is fetched before the delay');
  await timers.advance(1);
  assert.deepEqual(fetches, [{ before: 5, limit: 3 }]);
  assert.deepEqual(delivered, [1, 2, 3, 4, 5]);
});

test('a hole filled in the meantime is not fetched', async () => {
  const { timers, timeline, fetches } = setup(stored(10));
  timeline.accept(message(2), 'server');
  timeline.accept(message(1), 'server');
  await timers.advance(1_000);
  assert.deepEqual(fetches, []);
});

test('a hole longer than a page is fetched page by page, from the top down', async () => {
  const { timers, timeline, delivered, fetches } = setup(stored(1_200));
  timeline.accept(message(1_200), 'server');
  await timers.advance(500);
  assert.deepEqual(fetches, [
    { before: 1_200, limit: 500 },
    { before: 700, limit: 500 },
    { before: 200, limit: 199 },
  ]);
  assert.deepEqual(delivered, Array.from({ length: 1_200 }, (_, i) => i + 1));
});

test('history that begins later (a member added later) closes the hole from below', async () => {
  const { timers, timeline, delivered } = setup(stored(30), { visibleFrom: 20 });
  timeline.accept(message(25), 'server');
  await timers.advance(500);
  assert.deepEqual(delivered, [20, 21, 22, 23, 24, 25]);
});

test('a failed or incomplete fetch is retried with growing delays; a lasting refusal is reported and given up', async () => {
  const { timers, timeline, delivered, fetches, problems } = setup(stored(5), { failures: [new SwitchboardError('unavailable'), new SwitchboardError('timeout')] });
  timeline.accept(message(5), 'server');
  await timers.advance(500);
  assert.equal(fetches.length, 1);
  await timers.advance(999);
  assert.equal(fetches.length, 1, 'the second try waits twice the delay');
  await timers.advance(1);
  assert.equal(fetches.length, 2);
  await timers.advance(2_000);
  assert.deepEqual(delivered, [1, 2, 3, 4, 5]);
  assert.deepEqual(problems, ['unavailable', 'timeout']);

  const refused = setup(stored(5), { failures: [new SwitchboardError('not_member')] });
  refused.timeline.accept(message(5), 'server');
  await refused.timers.advance(60_000);
  assert.equal(refused.fetches.length, 1);
  assert.deepEqual(refused.problems, ['not_member']);
  assert.equal(refused.timers.pending(), 0);
});

test('a conversation the platform has further than the client is caught up even when nothing waits', async () => {
  const { timers, timeline, filler, delivered, fetches } = setup(stored(6));
  timeline.accept(message(1), 'server');
  timeline.accept(message(2), 'server');
  filler.behind(GROUP, 6);
  await timers.advance(500);
  assert.deepEqual(fetches, [{ before: 7, limit: 4 }]);
  assert.deepEqual(delivered, [1, 2, 3, 4, 5, 6]);
});
