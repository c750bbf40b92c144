import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenBucket } from './tokenBucket';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test('a full bucket allows a burst, then refuses', () => {
  const c = clock();
  const bucket = createTokenBucket({ ratePerSecond: 10, burst: 3, now: c.now });
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [true, true, true, false]);
});

test('tokens come back at the configured rate', () => {
  const c = clock();
  const bucket = createTokenBucket({ ratePerSecond: 10, burst: 2, now: c.now });
  bucket.take();
  bucket.take();
  assert.equal(bucket.take(), false);
  c.advance(99);
  assert.equal(bucket.take(), false, 'less than one token after 99 ms at 10/s');
  c.advance(1);
  assert.equal(bucket.take(), true);
  assert.equal(bucket.take(), false);
});

test('refill never exceeds the burst', () => {
  const c = clock();
  const bucket = createTokenBucket({ ratePerSecond: 100, burst: 2, now: c.now });
  c.advance(60_000);
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
});

test('a clock that goes backwards does not add tokens', () => {
  const c = clock(5_000);
  const bucket = createTokenBucket({ ratePerSecond: 10, burst: 1, now: c.now });
  bucket.take();
  c.advance(-1_000);
  assert.equal(bucket.take(), false);
  c.advance(1_000);
  assert.equal(bucket.take(), false, 'time lost going backwards is not counted twice');
  c.advance(100);
  assert.equal(bucket.take(), true);
});
