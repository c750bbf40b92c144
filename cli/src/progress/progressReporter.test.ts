import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgressReporter, progressMode } from './progressReporter';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

test('a bar on a terminal, lines elsewhere only for large totals, nothing when disabled or empty', () => {
  assert.equal(progressMode({ isTTY: true, total: 2 }), 'bar');
  assert.equal(progressMode({ isTTY: false, total: 999 }), 'off');
  assert.equal(progressMode({ isTTY: false, total: 1000 }), 'lines');
  assert.equal(progressMode({ isTTY: true, total: 10, disabled: true }), 'off');
  assert.equal(progressMode({ isTTY: true, total: 0 }), 'off');
});

test('the bar redraws one line at most every 100 ms, always at the end, and is cleared by finish', () => {
  const out = capture();
  let now = 0;
  const progress = createProgressReporter({ stream: out.stream, mode: 'bar', label: 'x', total: 4, now: () => now });
  progress.update(1);
  now = 50;
  progress.update(2);
  now = 150;
  progress.update(3);
  progress.update(4);
  progress.finish();
  const draws = out.text().split('\r\x1b[2K').filter((s) => s !== '');
  assert.deepEqual(draws.map((d) => /(\d)\/4/.exec(d)?.[1]), ['1', '3', '4']);
  assert.ok(out.text().endsWith('\r\x1b[2K'));
  assert.ok(!out.text().includes('\n'));
});

test('lines mode writes a line each tenth', () => {
  const out = capture();
  const progress = createProgressReporter({ stream: out.stream, mode: 'lines', label: 'x', total: 1000, now: () => 0 });
  for (let done = 1; done <= 1000; done++) progress.update(done);
  progress.finish();
  const lines = out.text().trimEnd().split('\n');
  assert.equal(lines.length, 10);
  assert.match(lines[9]!, /1000\/1000  100%$/);
});
