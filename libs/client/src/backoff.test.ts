import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackoff } from './backoff';

test('the ceiling doubles per attempt up to the cap, and each delay is random below it (full jitter)', () => {
  const highest = createBackoff({ initialDelayMs: 100, maxDelayMs: 1_000 }, () => 0.999_999);
  assert.deepEqual(Array.from({ length: 6 }, () => highest.next()), [99, 199, 399, 799, 999, 999]);
  const lowest = createBackoff({ initialDelayMs: 100, maxDelayMs: 1_000 }, () => 0);
  assert.deepEqual(Array.from({ length: 3 }, () => lowest.next()), [0, 0, 0]);
  const half = createBackoff({ initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 3 }, () => 0.5);
  assert.deepEqual(Array.from({ length: 4 }, () => half.next()), [50, 150, 450, 500]);
});

test('reset starts again from the first ceiling', () => {
  const backoff = createBackoff({ initialDelayMs: 100, maxDelayMs: 10_000 }, () => 0.999_999);
  backoff.next();
  backoff.next();
  assert.equal(backoff.attempts(), 2);
  backoff.reset();
  assert.equal(backoff.attempts(), 0);
  assert.equal(backoff.next(), 99);
});

test('defaults: 500 ms first ceiling, 30 s cap', () => {
  const backoff = createBackoff({}, () => 0.999_999);
  assert.equal(backoff.next(), 499);
  for (let i = 0; i < 20; i++) backoff.next();
  assert.equal(backoff.next(), 29_999);
});

test('nonsensical settings are refused', () => {
  assert.throws(() => createBackoff({ initialDelayMs: 0 }), RangeError);
  assert.throws(() => createBackoff({ initialDelayMs: 100, maxDelayMs: 50 }), RangeError);
  assert.throws(() => createBackoff({ multiplier: 0.5 }), RangeError);
});
