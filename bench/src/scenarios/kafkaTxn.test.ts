import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseOf, quantile, summarize, type TxnPhase } from './kafkaTxn';

test('quantiles are nearest-rank over sorted values', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(quantile(values, 0.5), 50);
  assert.equal(quantile(values, 0.99), 99);
  assert.equal(quantile(values, 1), 100);
  assert.equal(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('rounds of a variant and size are pooled: rate from summed counts and time, percentiles of all durations', () => {
  const runA = { transactions: 4, seconds: 2, latenciesMs: [10, 20, 30, 40], requestsPerTxn: { FindCoordinator: 4, EndTxn: 1 } };
  const runB = { transactions: 2, seconds: 2, latenciesMs: [50, 60], requestsPerTxn: { FindCoordinator: 5.5, EndTxn: 1 } };
  const a = phaseOf('kafkajs', 10, 1, runA, 40, 2);
  const b = phaseOf('kafkajs', 10, 2, runB, 60, 4);
  const other = phaseOf('kafkajs-cached', 10, 1, { transactions: 1, seconds: 1, latenciesMs: [5] }, undefined, 3);
  assert.equal(a.txnPerSecond, 2);
  assert.equal(a.p50Ms, 20);
  const latencies = new Map<TxnPhase, number[]>([
    [a, runA.latenciesMs],
    [b, runB.latenciesMs],
    [other, [5]],
  ]);
  const [pooled, single] = summarize([a, other, b], latencies);
  assert.equal(pooled?.variant, 'kafkajs');
  assert.equal(pooled?.rounds, 2);
  assert.equal(pooled?.transactions, 6);
  assert.equal(pooled?.txnPerSecond, 1.5);
  assert.equal(pooled?.p50Ms, 30);
  assert.equal(pooled?.p99Ms, 60);
  assert.equal(pooled?.cpuPressurePercent, 50);
  assert.equal(pooled?.loadAverage, 3);
  assert.deepEqual(pooled?.requestsPerTxn, { FindCoordinator: 4.5, EndTxn: 1 }, 'weighted by transactions');
  assert.equal(single?.variant, 'kafkajs-cached');
  assert.equal(single?.requestsPerTxn, undefined);
  assert.equal(single?.cpuPressurePercent, undefined);
});
