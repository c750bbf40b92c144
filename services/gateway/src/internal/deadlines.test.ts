import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeadlines } from './deadlines';

/** A clock and a single timer driven by hand. */
function manualTimer() {
  let t = 0;
  let timer: { at: number; fn: () => void } | undefined;
  let timersSet = 0;
  return {
    now: () => t,
    setTimer(fn: () => void, delayMs: number) {
      timersSet += 1;
      const mine = { at: t + delayMs, fn };
      timer = mine;
      return () => void (timer === mine && (timer = undefined));
    },
    advance(ms: number) {
      const until = t + ms;
      while (timer && timer.at <= until) {
        const due = timer;
        timer = undefined;
        t = due.at;
        due.fn();
      }
      t = until;
    },
    pendingAt: () => timer?.at,
    timersSet: () => timersSet,
  };
}

test('each deadline fires once, at its time, in order, whatever the delays', () => {
  const clock = manualTimer();
  const deadlines = createDeadlines(clock);
  const fired: string[] = [];
  deadlines.add(100, () => fired.push(`a@${clock.now()}`));
  clock.advance(10);
  deadlines.add(30, () => fired.push(`b@${clock.now()}`));
  deadlines.add(100, () => fired.push(`c@${clock.now()}`));
  assert.equal(deadlines.size(), 3);
  clock.advance(1_000);
  assert.deepEqual(fired, ['b@40', 'a@100', 'c@110']);
  assert.equal(deadlines.size(), 0);
  assert.equal(clock.pendingAt(), undefined, 'no timer left set');
});

test('a cancelled deadline never fires; the next one still does, on time', () => {
  const clock = manualTimer();
  const deadlines = createDeadlines(clock);
  const fired: string[] = [];
  const first = deadlines.add(100, () => fired.push('first'));
  clock.advance(20);
  deadlines.add(100, () => fired.push('second'));
  first.cancel();
  first.cancel();
  assert.equal(deadlines.size(), 1);
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['second']);
});

test('thousands of deadlines share one timer, woken only for the live ones', () => {
  const clock = manualTimer();
  const deadlines = createDeadlines(clock);
  let fired = 0;
  const handles = Array.from({ length: 5_000 }, () => {
    clock.advance(1);
    return deadlines.add(10_000, () => (fired += 1));
  });
  handles.forEach((h, i) => i % 2 === 0 && h.cancel());
  assert.equal(clock.timersSet(), 1, 'adding later deadlines sets no timer');
  clock.advance(20_000);
  assert.equal(fired, 2_500);
  assert.ok(clock.timersSet() <= 1 + 2_500, `timers set: ${clock.timersSet()}`);
});

test('a deadline added from an expiring callback is honoured', () => {
  const clock = manualTimer();
  const deadlines = createDeadlines(clock);
  const fired: number[] = [];
  deadlines.add(10, () => {
    fired.push(clock.now());
    deadlines.add(10, () => fired.push(clock.now()));
  });
  clock.advance(100);
  assert.deepEqual(fired, [10, 20]);
});
