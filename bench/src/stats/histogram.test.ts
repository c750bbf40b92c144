import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatencyHistogram, bucketHighMicros, bucketOf } from './histogram';

test('percentiles of 1..10000 ms are within the histogram precision', () => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 10_000; i++) h.recordMs(i);
  const s = h.summary();
  assert.equal(s.count, 10_000);
  for (const [got, want] of [[s.p50Ms, 5000], [s.p90Ms, 9000], [s.p99Ms, 9900], [s.p999Ms, 9990]] as const) {
    assert.ok(Math.abs(got - want) / want < 1 / 64, `${got} vs ${want}`);
    assert.ok(got >= want, `a percentile never reports less than the true value: ${got} < ${want}`);
  }
  assert.equal(s.minMs, 1);
  assert.equal(s.maxMs, 10_000);
  assert.ok(Math.abs(s.meanMs - 5000.5) < 1e-6);
});

test('values below 128 µs are exact and the tail is never hidden', () => {
  const h = new LatencyHistogram();
  for (let i = 0; i < 99; i++) h.recordMs(0.05);
  h.recordMs(250);
  assert.equal(h.percentileMs(50), 0.05);
  assert.equal(h.percentileMs(99), 0.05);
  assert.equal(h.percentileMs(99.5), 250);
  assert.equal(h.percentileMs(100), 250);
});

test('every value falls into a bucket whose upper bound holds it within 1/64', () => {
  for (let v = 0; v < 2 ** 31; v = Math.floor(v * 1.37) + 1) {
    const high = bucketHighMicros(bucketOf(v));
    assert.ok(high >= v, `${v} → ${high}`);
    assert.ok(high - v <= Math.max(0, v / 64), `${v} → ${high}`);
  }
});

test('merging adds counts, and JSON round-trips', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 100; i++) a.recordMs(1);
  for (let i = 0; i < 100; i++) b.recordMs(100);
  a.merge(b);
  assert.equal(a.count, 200);
  assert.ok(Math.abs(a.percentileMs(50) - 1) <= 1 / 64);
  assert.ok(a.percentileMs(51) >= 100);
  const copy = LatencyHistogram.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  assert.deepEqual(copy.summary(), a.summary());
});

test('an empty histogram reports zeros and an empty spectrum', () => {
  const h = new LatencyHistogram();
  assert.deepEqual(h.summary(), { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
  assert.deepEqual(h.spectrum(), []);
});
