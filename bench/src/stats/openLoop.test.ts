import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOpenLoopSchedule, geometricSteps } from './openLoop';

test('the schedule is fixed by the clock: a stalled sender gets every missed message with its original time', () => {
  const s = createOpenLoopSchedule({ ratePerSecond: 1000, startMs: 10_000, durationMs: 1000 });
  assert.equal(s.total, 1000);
  assert.deepEqual(s.takeDue(10_000), [10_000]);
  assert.deepEqual(s.takeDue(10_002.5), [10_001, 10_002]);
  // A 100 ms stall: nothing is skipped or re-timed.
  const late = s.takeDue(10_102);
  assert.equal(late.length, 100);
  assert.equal(late[0], 10_003);
  assert.equal(late.at(-1), 10_102);
  assert.equal(s.done, false);
  assert.equal(s.takeDue(20_000).length, 1000 - 103);
  assert.equal(s.done, true);
  assert.deepEqual(s.takeDue(30_000), []);
});

test('the message cap bounds the schedule whatever its duration', () => {
  const s = createOpenLoopSchedule({ ratePerSecond: 50_000, startMs: 0, durationMs: 60_000, maxMessages: 10 });
  assert.equal(s.takeDue(1e9).length, 10);
  assert.equal(s.done, true);
  assert.throws(() => createOpenLoopSchedule({ ratePerSecond: 0, startMs: 0, durationMs: 1 }));
});

test('geometric steps grow by the factor and stop at the cap', () => {
  assert.deepEqual(geometricSteps(1000, 2, 10, 9000), [1000, 2000, 4000, 8000]);
  assert.deepEqual(geometricSteps(100, 1.5, 3), [100, 150, 225]);
});
