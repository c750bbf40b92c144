import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { SwitchboardError } from '@switchboard/errors';
import { errorAnswer } from './respond';

test('error codes map to their HTTP status with {code, message}', () => {
  assert.deepEqual(errorAnswer(new SwitchboardError('invalid_request', '"limit" is wrong')), {
    status: 400,
    body: { code: 'invalid_request', message: '"limit" is wrong' },
  });
  assert.equal(errorAnswer(new SwitchboardError('not_member')).status, 403);
  assert.equal(errorAnswer(new SwitchboardError('conversation_not_found')).status, 404);
});

test('database failures answer 503 unavailable; anything else 500 internal without details', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  assert.deepEqual(errorAnswer(refused).body, { code: 'unavailable', message: 'database: connect ECONNREFUSED 127.0.0.1:5432' });
  assert.equal(errorAnswer(new pg.DatabaseError('canceling statement due to statement timeout', 0, 'error')).status, 503);
  assert.deepEqual(errorAnswer(new TypeError('x is undefined')), { status: 500, body: { code: 'internal', message: 'An unexpected error occurred.' } });
});
