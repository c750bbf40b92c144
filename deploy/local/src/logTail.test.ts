import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastLines, logTail } from './logTail';

test('keeps the last lines without the trailing newline', () => {
  assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc');
  assert.equal(lastLines('a', 5), 'a');
  assert.equal(lastLines('', 5), '');
});

test('a missing log file gives an empty tail', () => {
  assert.equal(logTail('/nonexistent/kafka.log'), '');
});
