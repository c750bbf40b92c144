import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, ninesOf, renderLatencyChart } from './svg';
import { markdownTable, ratio } from './markdown';

test('a chart has one polyline per series, escaped names, and points inside the plot', () => {
  const svg = renderLatencyChart({
    title: 'S1 <1:1>',
    series: [
      { name: 'switchboard & co', points: [{ percentile: 0, valueMs: 2 }, { percentile: 99, valueMs: 20 }, { percentile: 100, valueMs: 80 }] },
      { name: 'uWS', points: [{ percentile: 0, valueMs: 0.2 }, { percentile: 99.9, valueMs: 1 }] },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<polyline /g)?.length, 2);
  assert.ok(svg.includes('S1 &lt;1:1&gt;'));
  assert.ok(svg.includes('switchboard &amp; co'));
  assert.ok(!svg.includes('NaN'));
  const width = 720;
  const height = 420;
  for (const match of svg.matchAll(/points="([^"]+)"/g)) {
    const pts = match[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
    for (const [x, y] of pts) {
      assert.ok(x >= 0 && x <= width && y >= 0 && y <= height, `${x},${y}`);
    }
    // Higher percentiles are further right, and latency never falls as the percentile rises.
    for (let i = 1; i < pts.length; i++) {
      assert.ok(pts[i]![0] >= pts[i - 1]![0]);
      assert.ok(pts[i]![1] <= pts[i - 1]![1]);
    }
  }
});

test('the percentile axis counts nines', () => {
  assert.equal(ninesOf(0, 4), 0);
  assert.ok(Math.abs(ninesOf(90, 4) - 1) < 1e-9);
  assert.ok(Math.abs(ninesOf(99.9, 4) - 3) < 1e-9);
  assert.equal(ninesOf(100, 4), 4);
  assert.equal(escapeXml(`a"b'c`), 'a&quot;b&apos;c');
});

test('markdown tables escape pipes, and ratios say n/a without a reference', () => {
  assert.equal(markdownTable(['a', 'b'], [['x|y', 2]]), '| a | b |\n|---|---|\n| x\\|y | 2 |');
  assert.equal(ratio(5, 10), '0.50×');
  assert.equal(ratio(30, 2), '15×');
  assert.equal(ratio(1, 0), 'n/a');
  assert.equal(ratio(undefined, 3), 'n/a');
});
