import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addHopCounts, hopTable, quantile, type HopCounts } from './hops';

const metrics = (hop: string, counts: [string, number][]) =>
  counts.map(([le, n]) => `switchboard_hop_ms_bucket{hop="${hop}",le="${le}"} ${n}`).join('\n') + `\nswitchboard_hop_ms_count{hop="${hop}"} ${counts.at(-1)![1]}\n`;

test('quantiles interpolate within the bucket that holds the rank', () => {
  const cumulative: [number, number][] = [
    [1, 0],
    [2, 50],
    [5, 100],
    [Number.POSITIVE_INFINITY, 100],
  ];
  assert.equal(quantile(cumulative, 0.5), 2);
  assert.equal(quantile(cumulative, 0.25), 1.5);
  assert.equal(quantile(cumulative, 0.99), 2 + 0.98 * 3);
  assert.ok(Number.isNaN(quantile([[1, 0]], 0.5)));
});

test('observations past the last finite bucket report that bucket as a lower bound', () => {
  assert.equal(
    quantile(
      [
        [10, 1],
        [Number.POSITIVE_INFINITY, 100],
      ],
      0.99,
    ),
    10,
  );
});

test('the table counts what two scrapes differ by, summed over processes, in the order of the pipeline', () => {
  const before: HopCounts = addHopCounts(new Map(), metrics('gateway_push', [['1', 10], ['+Inf', 10]]));
  const after: HopCounts = new Map();
  addHopCounts(after, metrics('gateway_push', [['1', 30], ['+Inf', 30]]));
  addHopCounts(after, metrics('gateway_push', [['1', 0], ['+Inf', 5]]) + metrics('router_decide', [['0.5', 4], ['+Inf', 4]]));
  const rows = hopTable(before, after);
  assert.deepEqual(
    rows.map((r) => [r.hop, r.count]),
    [
      ['router_decide', 4],
      ['gateway_push', 25],
    ],
  );
  assert.equal(rows[0]!.p50Ms, 0.25);
});
