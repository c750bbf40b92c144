import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundPacer, nextRoundWait } from './roundPacing';

test('with a token to spare the next round may start at once; without, once one has refilled', () => {
  assert.equal(nextRoundWait(3, 5), 0);
  assert.equal(nextRoundWait(1, 5), 0);
  assert.equal(nextRoundWait(0, 5), 5);
  assert.equal(nextRoundWait(0.6, 5), 2);
});

function clockedPacer(intervalMs: number, burst: number) {
  const clock = { at: 1_000 };
  const turns: (() => void)[] = [];
  const pacer = createRoundPacer({ intervalMs, burst, now: () => clock.at, afterTurn: (fn) => void turns.push(fn) });
  const endTurn = () => turns.splice(0).forEach((fn) => fn());
  return { clock, pacer, endTurn };
}

test('rounds rarer than the interval never wait', () => {
  const { clock, pacer, endTurn } = clockedPacer(5, 2);
  for (let i = 0; i < 20; i += 1) {
    assert.ok(pacer.claim() <= clock.at, `round ${i}`);
    endTurn();
    clock.at += 6;
  }
});

test('a burst goes at once, then rounds are held to one per interval', () => {
  const { clock, pacer, endTurn } = clockedPacer(5, 3);
  const waits: number[] = [];
  for (let i = 0; i < 6; i += 1) {
    const next = pacer.claim();
    endTurn();
    waits.push(Math.max(0, next - clock.at));
    clock.at = Math.max(clock.at + 1, next);
  }
  // 3 tokens: two rounds leave enough for the next, the third waits for the rest of one, then one per interval.
  assert.deepEqual(waits.map((w) => Math.round(w * 1000) / 1000), [0, 0, 3, 5, 5, 5]);
});

test('the batches of one round, claimed in the same turn, count once', () => {
  const { clock, pacer, endTurn } = clockedPacer(5, 1);
  const first = pacer.claim();
  assert.equal(pacer.claim(), first);
  assert.equal(pacer.claim(), first);
  endTurn();
  assert.equal(first, clock.at + 5, 'a burst of one: the next round waits a whole interval');
  clock.at += 5;
  assert.ok(pacer.claim() <= clock.at + 5);
});

test('an interval of 0 never holds a loop', () => {
  const { clock, pacer } = clockedPacer(0, 1);
  for (let i = 0; i < 5; i += 1) assert.ok(pacer.claim() <= clock.at);
  assert.equal(pacer.untilNext(), undefined);
});
