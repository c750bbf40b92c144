import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTH_ERROR_CODES, AuthError, isAuthError } from './index';

test('only auth_unavailable is retriable', () => {
  const retriable = Object.entries(AUTH_ERROR_CODES).filter(([, row]) => row.retriable).map(([code]) => code);
  assert.deepEqual(retriable, ['auth_unavailable']);
  assert.equal(new AuthError('auth_unavailable', 'down').retriable, true);
  assert.equal(new AuthError('token_expired', 'late').retriable, false);
});

test('isAuthError recognises AuthErrors, not look-alikes', () => {
  const error = new AuthError('token_issuer', 'nope');
  assert.ok(isAuthError(error));
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'AuthError');
  assert.equal(isAuthError(Object.assign(new Error('x'), { code: 'token_issuer' })), false);
  assert.equal(isAuthError(undefined), false);
});
