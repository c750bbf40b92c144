import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSeconds, renderProgress } from './renderProgress';

test('the bar, the count, the percentage, the rate and the time left', () => {
  assert.equal(
    renderProgress({ label: 'sending', done: 250, total: 1000, elapsedMs: 5000 }, 80),
    'sending [########.........................] 250/1000   25%  50.0/s  eta 15s',
  );
});

test('the bar keeps its width whatever the details, and the line fits the terminal', () => {
  const widths = [0, 1, 999, 1000].map((done) => /\[[#.]*\]/.exec(renderProgress({ label: 'x', done, total: 1000, elapsedMs: done * 7 }, 72))![0].length);
  assert.equal(new Set(widths).size, 1);
  for (const columns of [40, 80, 200]) {
    assert.ok(renderProgress({ label: 'events', done: 5, total: 123_456, elapsedMs: 10 }, columns).length <= columns);
  }
});

test('done is clamped; an empty total reads as complete; no rate before anything is done', () => {
  assert.match(renderProgress({ label: 'x', done: 12, total: 10, elapsedMs: 1000 }, 80), /\[#+\] 10\/10  100%  10\.0\/s$/);
  assert.match(renderProgress({ label: 'x', done: 0, total: 0, elapsedMs: 0 }, 80), / 0\/0  100%$/);
  assert.match(renderProgress({ label: 'x', done: 0, total: 5, elapsedMs: 100 }, 80), /\[\.+\] 0\/5    0%$/);
});

test('time left in seconds, minutes or hours', () => {
  assert.deepEqual([0.2, 59, 61, 3600, 7322].map(formatSeconds), ['1s', '59s', '1m01s', '1h00m', '2h02m']);
});
