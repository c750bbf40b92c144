import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './parseDuration';

test('durations in seconds, minutes, hours and days; plain numbers are seconds', () => {
  assert.equal(parseDuration('90', '--ttl'), 90);
  assert.equal(parseDuration('90s', '--ttl'), 90);
  assert.equal(parseDuration('15m', '--ttl'), 900);
  assert.equal(parseDuration('1h', '--ttl'), 3600);
  assert.equal(parseDuration('7d', '--ttl'), 604_800);
});

test('anything else is a usage error naming the option', () => {
  for (const text of ['', '1.5h', '-1h', 'soon', '1w', '0s']) {
    assert.throws(() => parseDuration(text, '--ttl'), /^CliError: --ttl must be/, text);
  }
});
