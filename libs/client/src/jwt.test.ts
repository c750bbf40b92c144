import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTokenTimes, refreshAt } from './jwt';

function token(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature-not-checked`;
}

test('exp and iat are read from the payload, in milliseconds, without checking the signature', () => {
  assert.deepEqual(readTokenTimes(token({ sub: 'ünïcødé', iat: 1_700_000_000, exp: 1_700_000_600 })), { issuedAt: 1_700_000_000_000, expiresAt: 1_700_000_600_000 });
  assert.deepEqual(readTokenTimes(token({ sub: 'alice' })), {});
  assert.deepEqual(readTokenTimes('not a jwt'), {});
  assert.deepEqual(readTokenTimes('a.%%%.c'), {});
  assert.deepEqual(readTokenTimes(token({ exp: 'soon' })), {});
});

test('a connection is replaced a quarter of the token lifetime before expiry, at most 30 s before', () => {
  const now = 1_000_000;
  assert.equal(refreshAt({ issuedAt: now, expiresAt: now + 4_000 }, now), now + 3_000);
  assert.equal(refreshAt({ issuedAt: now, expiresAt: now + 3_600_000 }, now), now + 3_570_000);
  assert.equal(refreshAt({ expiresAt: now + 8_000 }, now), now + 6_000, 'without iat the lifetime counts from now');
  assert.equal(refreshAt({ issuedAt: now, expiresAt: now + 60_000 }, now, 5_000), now + 55_000, 'an explicit margin wins');
  assert.equal(refreshAt({}, now), undefined, 'a token without exp is never refreshed');
});
