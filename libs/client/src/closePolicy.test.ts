import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAfter, refusedStatus, type Decision } from './closePolicy';

const closed = (code: number): Decision => decideAfter({ kind: 'closed', code, reason: '' });
const refused = (status: number): Decision => decideAfter({ kind: 'refused', status });
const stopCode = (decision: Decision) => (decision.action === 'stop' ? decision.error.code : undefined);

test('going_away reconnects at once; an expired token reconnects at once with a new one', () => {
  assert.deepEqual(closed(1001), { action: 'reconnect', at: 'once', unauthorized: false });
  assert.deepEqual(closed(4001), { action: 'reconnect', at: 'once', unauthorized: true });
});

test('abnormal closes, slow consumers, idle timeouts and server errors reconnect after a backoff delay', () => {
  for (const code of [1000, 1006, 1011, 1012, 4009, 4010, 4011, 4012, 4999]) {
    assert.deepEqual(closed(code), { action: 'reconnect', at: 'backoff', unauthorized: false }, String(code));
  }
});

test('what reconnecting cannot fix stops the client with a typed error', () => {
  const expected: Record<number, string> = { 1003: 'binary_not_supported', 1009: 'frame_too_large', 4002: 'unsupported_version', 4008: 'too_many_sessions' };
  for (const [code, errorCode] of Object.entries(expected)) {
    const decision = closed(Number(code));
    assert.equal(stopCode(decision), errorCode, code);
    assert.equal(decision.action === 'stop' && decision.error.retriable, false);
  }
});

test('refused upgrades: 403 and 429 stop, 401 retries with a new token, others retry', () => {
  assert.equal(stopCode(refused(403)), 'origin_not_allowed');
  assert.equal(stopCode(refused(429)), 'too_many_sessions');
  assert.deepEqual(refused(401), { action: 'reconnect', at: 'backoff', unauthorized: true });
  for (const status of [404, 500, 502, 503]) assert.deepEqual(refused(status), { action: 'reconnect', at: 'backoff', unauthorized: false });
  assert.deepEqual(decideAfter({ kind: 'dropped', why: 'no welcome' }), { action: 'reconnect', at: 'backoff', unauthorized: false });
});

test('the HTTP status of a refused upgrade is read from the ws error message', () => {
  assert.equal(refusedStatus('Unexpected server response: 429'), 429);
  assert.equal(refusedStatus('connect ECONNREFUSED 127.0.0.1:1'), undefined);
  assert.equal(refusedStatus(undefined), undefined);
});
