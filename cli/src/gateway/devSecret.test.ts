import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_DEV_SECRET, jwtSecret } from './devSecret';

test('the development secret is the one npm start gives the services', () => {
  const start = readFileSync(join(__dirname, '..', '..', '..', 'scripts', 'start.mjs'), 'utf8');
  assert.ok(start.includes(`JWT_SECRET: process.env.JWT_SECRET ?? '${LOCAL_DEV_SECRET}'`), 'scripts/start.mjs uses another default secret');
});

test('JWT_SECRET wins when set, and must be long enough for HS256', () => {
  assert.equal(jwtSecret({}), LOCAL_DEV_SECRET);
  assert.equal(jwtSecret({ JWT_SECRET: 'x'.repeat(32) }), 'x'.repeat(32));
  assert.throws(() => jwtSecret({ JWT_SECRET: 'short' }), /JWT_SECRET must be at least 32 bytes, got 5/);
});
