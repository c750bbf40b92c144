import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, SwitchboardError, isErrorCode, isSwitchboardError } from './index';

test('codes are snake_case, messages are sentences, close codes are valid and unique', () => {
  const closes = new Map<number, string>();
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^[a-z]+(_[a-z]+)*$/);
    assert.match(spec.message, /^[A-Z].*\.$/);
    if ('close' in spec) {
      assert.ok(spec.close === 1001 || spec.close === 1003 || spec.close === 1009 || (spec.close >= 4000 && spec.close <= 4999), code);
      assert.ok(!closes.has(spec.close), `${code} reuses close code ${spec.close} of ${closes.get(spec.close)}`);
      closes.set(spec.close, code);
    }
  }
});

test('errors carry the table flags and are recognised by brand', () => {
  const err = new SwitchboardError('rate_limited');
  assert.equal(err.retriable, true);
  assert.equal(err.closeCode, undefined);
  assert.equal(new SwitchboardError('slow_consumer').closeCode, 4009);
  assert.ok(isSwitchboardError(err));
  assert.ok(!isSwitchboardError(new Error('x')));
  assert.ok(isErrorCode('not_member'));
  assert.ok(!isErrorCode('toString'));
});
