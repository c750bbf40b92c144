import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundPacer, untilNextRound } from './roundPacing';

test('a round long after the previous one starts at once', () => {
  assert.equal(untilNextRound(0, 100, 5), 0);
  assert.equal(untilNextRound(Number.NEGATIVE_INFINITY, 0, 5), 0);
});

test('a round sooner than the interval waits for the rest of it', () => {
  assert.equal(untilNextRound(100, 102, 5), 3);
  assert.equal(untilNextRound(100, 100, 5), 5);
});

test('the pacer lets the first round go at once and spaces the next ones by the interval', async () => {
  let clock = 1_000;
  const slept: number[] = [];
  const pacer = createRoundPacer({
    minIntervalMs: 5,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  });
  await pacer.next();
  clock += 1;
  await pacer.next();
  clock += 7;
  await pacer.next();
  await pacer.next();
  assert.deepEqual(slept, [4, 5]);
  assert.equal(clock, 1_000 + 1 + 4 + 7 + 5);
});

test('an interval of 0 never waits', async () => {
  const slept: number[] = [];
  const pacer = createRoundPacer({ minIntervalMs: 0, now: () => 0, sleep: async (ms) => void slept.push(ms) });
  assert.equal(pacer.next(), undefined);
  assert.equal(pacer.next(), undefined);
  assert.deepEqual(slept, []);
});
