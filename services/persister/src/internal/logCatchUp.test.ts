import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogCatchUp } from './logCatchUp';

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

test('waits until every partition with records is stored up to the end read at the start', async () => {
  const stored = new Map<number, number>([[0, 5]]);
  const c = clock();
  let polls = 0;
  const catchUp = createLogCatchUp({
    endOffsets: async () => new Map([[0, 7], [1, 0], [2, 3]]),
    storedOffsets: async () => {
      polls += 1;
      if (polls === 3) stored.set(0, 7).set(2, 3);
      return new Map(stored);
    },
    timeoutMs: 1000,
    ...c,
  });
  assert.equal(await catchUp(), 'caught_up');
  assert.ok(c.now() > 0, 'it waited for the projection');
});

test('gives up at the deadline and answers with what is stored', async () => {
  const c = clock();
  const catchUp = createLogCatchUp({ endOffsets: async () => new Map([[0, 9]]), storedOffsets: async () => new Map([[0, 3]]), timeoutMs: 100, pollMs: 10, ...c });
  assert.equal(await catchUp(), 'timed_out');
  assert.ok(c.now() <= 100);
});

test('an unreachable log does not hold the answer', async () => {
  const catchUp = createLogCatchUp({
    endOffsets: async () => {
      throw new Error('broker down');
    },
    storedOffsets: async () => new Map(),
    timeoutMs: 1000,
  });
  assert.equal(await catchUp(), 'log_unavailable');
});

test('an empty log is caught up at once', async () => {
  const catchUp = createLogCatchUp({ endOffsets: async () => new Map([[0, 0]]), storedOffsets: async () => new Map(), timeoutMs: 1000 });
  assert.equal(await catchUp(), 'caught_up');
});

test('a log that does not answer in time does not hold the answer either', async () => {
  const catchUp = createLogCatchUp({ endOffsets: () => new Promise(() => undefined), storedOffsets: async () => new Map(), timeoutMs: 20 });
  assert.equal(await catchUp(), 'log_unavailable');
});
