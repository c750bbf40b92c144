import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as platform from '@switchboard/errors';
import { ERROR_CODES, SwitchboardError, isSwitchboardError, type ErrorCode } from './errors';

test('the client carries exactly the platform\'s error table', () => {
  assert.deepEqual(ERROR_CODES, platform.ERROR_CODES);
  const sameCodes: [ErrorCode] extends [platform.ErrorCode] ? ([platform.ErrorCode] extends [ErrorCode] ? true : false) : false = true;
  assert.equal(sameCodes, true);
});

test('errors carry the table\'s retriable flag and are recognised across both classes', () => {
  const err = new SwitchboardError('rate_limited');
  assert.equal(err.retriable, true);
  assert.equal(err.message, ERROR_CODES.rate_limited.message);
  assert.ok(isSwitchboardError(err));
  assert.ok(platform.isSwitchboardError(err), 'the platform recognises the client\'s errors');
  assert.ok(isSwitchboardError(new platform.SwitchboardError('not_member')), 'and the other way round');
  assert.equal(new SwitchboardError('timeout', 'late', { retriable: false }).retriable, false, 'a reply\'s own flag wins');
});

test('a code this version does not know is reported as internal, keeping the original', () => {
  const err = new SwitchboardError('brand_new_code', 'something new');
  assert.equal(err.code, 'internal');
  assert.equal(err.unknownCode, 'brand_new_code');
});
