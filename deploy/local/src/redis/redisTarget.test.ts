import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redisTarget } from './redisTarget';

test('reads host and port, defaulting the port to 6379', () => {
  assert.deepEqual(redisTarget('redis://127.0.0.1:6380'), { host: '127.0.0.1', port: 6380, isLocal: true, display: '127.0.0.1:6380' });
  assert.equal(redisTarget('redis://localhost').port, 6379);
  assert.equal(redisTarget('rediss://cache.example.com:6379/2').isLocal, false);
});
