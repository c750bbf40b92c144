import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthOptionsError, createTokenVerifier, mintDevToken } from './index';

const SECRET = 'mint-secret-0123456789-abcdefghijklmno';
const NOW = Date.UTC(2030, 0, 1);

test('minted tokens carry sub, iat, exp, aud and iss and pass a matching verifier', async () => {
  const token = mintDevToken({ secret: SECRET, userId: 'frank', ttlSec: 120, audience: 'sb', issuer: 'dev', now: () => NOW });
  const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
  assert.equal(header.alg, 'HS256');
  const verifier = createTokenVerifier({ algorithms: ['HS256'], secret: SECRET, audience: 'sb', issuer: 'dev', now: () => NOW });
  const principal = await verifier.verify(token);
  assert.deepEqual(principal.claims, { sub: 'frank', iat: NOW / 1000, exp: NOW / 1000 + 120, aud: 'sb', iss: 'dev' });
});

test('the default lifetime is one hour', async () => {
  const verifier = createTokenVerifier({ algorithms: ['HS256'], secret: SECRET, now: () => NOW });
  const principal = await verifier.verify(mintDevToken({ secret: SECRET, userId: 'frank', now: () => NOW }));
  assert.equal(principal.expiresAt, NOW + 3_600_000);
});

test('extra claims cannot override the registered ones', () => {
  const token = mintDevToken({
    secret: SECRET,
    userId: 'frank',
    now: () => NOW,
    extraClaims: { sub: 'root', exp: 9_999_999_999, aud: 'elsewhere', iss: 'other', team: 'x' },
  });
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  assert.deepEqual(payload, { team: 'x', sub: 'frank', iat: NOW / 1000, exp: NOW / 1000 + 3600 });
});

test('unsafe options are refused', () => {
  assert.throws(() => mintDevToken({ secret: 'short', userId: 'frank' }), AuthOptionsError);
  assert.throws(() => mintDevToken({ secret: SECRET, userId: 'frank smith' }), /userId/);
  assert.throws(() => mintDevToken({ secret: SECRET, userId: 'frank', ttlSec: 0 }), /ttlSec/);
});
