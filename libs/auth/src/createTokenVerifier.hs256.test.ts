import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, createTokenVerifier, isAuthError, mintDevToken, type AuthErrorCode } from './index';
import { hmacToken, rawToken } from './testSupport/keys';

const SECRET = 'dev-secret-0123456789-abcdefghijklmnop';
const NOW = Date.UTC(2030, 0, 1);
const nowSec = NOW / 1000;
const verifier = createTokenVerifier({ algorithms: ['HS256'], secret: SECRET, now: () => NOW });

async function refusal(token: string | undefined, code: AuthErrorCode): Promise<AuthError> {
  let caught: unknown;
  await verifier.verify(token).catch((error: unknown) => (caught = error));
  assert.ok(isAuthError(caught), `expected an AuthError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.retriable, false);
  if (token) assert.ok(!caught.message.includes(token), 'message must not contain the token');
  assert.ok(!caught.message.includes(SECRET), 'message must not contain the secret');
  return caught;
}

test('a dev token verifies and yields its subject, expiry and claims', async () => {
  const token = mintDevToken({ secret: SECRET, userId: 'alice@example.com', ttlSec: 600, extraClaims: { role: 'admin' }, now: () => NOW });
  const principal = await verifier.verify(token);
  assert.equal(principal.userId, 'alice@example.com');
  assert.equal(principal.expiresAt, NOW + 600_000);
  assert.equal(principal.claims.role, 'admin');
  assert.equal(principal.claims.iat, nowSec);
});

test('a token signed with another secret is refused', async () => {
  const token = mintDevToken({ secret: `${SECRET}-other`, userId: 'alice', now: () => NOW });
  await refusal(token, 'token_bad_signature');
});

test('a token whose payload was changed after signing is refused', async () => {
  const token = mintDevToken({ secret: SECRET, userId: 'alice', now: () => NOW });
  const [header, , signature] = token.split('.');
  const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'mallory', exp: nowSec + 60 })).toString('base64url')}.${signature}`;
  await refusal(forged, 'token_bad_signature');
});

test('no token at all is token_missing', async () => {
  await refusal(undefined, 'token_missing');
  await refusal('', 'token_missing');
  await refusal('   ', 'token_missing');
});

test('tokens that are not compact JWS are token_malformed', async () => {
  await refusal('abc', 'token_malformed');
  await refusal('a.b.c.d', 'token_malformed');
  await refusal('a!.b.c', 'token_malformed');
  await refusal(`${Buffer.from('not json').toString('base64url')}.e30.`, 'token_malformed');
  await refusal(rawToken({ alg: 'HS256' }, { sub: 'a' }).replace(/^[^.]+/, Buffer.from('[1]').toString('base64url')), 'token_malformed');
  await refusal(`x${'a'.repeat(9000)}.e30.`, 'token_malformed');
  await refusal(hmacToken({ alg: 'HS256', crit: ['exp'] }, { sub: 'a', exp: nowSec + 60 }, SECRET), 'token_malformed');
});

test('alg "none" is refused before any verification, signed or not', async () => {
  const payload = { sub: 'alice', exp: nowSec + 60 };
  const error = await refusal(rawToken({ alg: 'none', typ: 'JWT' }, payload), 'token_alg_not_allowed');
  assert.match(error.message, /"none" is not allowed \(allowed: HS256\)/);
  await refusal(rawToken({ alg: 'None' }, payload), 'token_alg_not_allowed');
  await refusal(rawToken({ typ: 'JWT' }, payload), 'token_alg_not_allowed');
});

test('algorithms outside the configured list are refused even with a valid HMAC', async () => {
  const token = hmacToken({ alg: 'HS512' }, { sub: 'alice', exp: nowSec + 60 }, SECRET);
  await refusal(token, 'token_alg_not_allowed');
});

test('a correct HMAC over a hand-built token verifies, so the refusals above are about the checks', async () => {
  const token = hmacToken({ alg: 'HS256', typ: 'JWT' }, { sub: 'alice', exp: nowSec + 60 }, SECRET);
  assert.equal((await verifier.verify(token)).userId, 'alice');
});

test('with a shared secret verifyNow gives the same verdicts as verify, at once', async () => {
  const token = mintDevToken({ secret: SECRET, userId: 'alice', now: () => NOW });
  assert.deepEqual(verifier.verifyNow(token), await verifier.verify(token));
  const forged = mintDevToken({ secret: 'another-secret-0123456789-abcdefghij', userId: 'alice', now: () => NOW });
  assert.throws(() => verifier.verifyNow(forged), (err: unknown) => isAuthError(err) && err.code === 'token_bad_signature');
  assert.throws(() => verifier.verifyNow(undefined), (err: unknown) => isAuthError(err) && err.code === 'token_missing');
});
