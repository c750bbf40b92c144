import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProducerPerformance } from './kafkaPerf';

test('the last summary line of ProducerPerformance is read, not the interim ones', () => {
  const output = [
    '412345 records sent, 82469.0 records/sec (15.73 MB/sec), 120.3 ms avg latency, 402.0 ms max latency.',
    '1000000 records sent, 95238.095238 records/sec (18.17 MB/sec), 98.41 ms avg latency, 402.00 ms max latency, 87 ms 50th, 210 ms 95th, 301 ms 99th, 380 ms 99.9th.',
  ].join('\n');
  const parsed = parseProducerPerformance(output);
  assert.ok(parsed);
  assert.equal(parsed.recordsPerSecond, 95238.095238);
  assert.equal(parsed.mbPerSecond, 18.17);
  assert.equal(parsed.p50Ms, 87);
  assert.equal(parsed.p99Ms, 301);
  assert.equal(parsed.p999Ms, 380);
  assert.equal(parseProducerPerformance('Exception in thread "main"'), undefined);
});
