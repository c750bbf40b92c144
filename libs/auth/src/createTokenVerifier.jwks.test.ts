import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenVerifier, isAuthError, type AuthErrorCode, type JwksFetch, type TokenVerifier } from './index';
import { fakeJwks } from './testSupport/fakeJwks';
import { ecKeyPair, rsaKeyPair, signToken } from './testSupport/keys';

const URL_A = 'https://idp-a.test/jwks';
const URL_B = 'https://idp-b.test/jwks';
const T0 = Date.UTC(2030, 0, 1);
const TTL = 600_000;
const INTERVAL = 30_000;
const rsa1 = rsaKeyPair();
const rsa2 = rsaKeyPair();
const ec1 = ecKeyPair();

function setup(jwks: { url: string } | { byIssuer: Record<string, string> } = { url: URL_A }) {
  const server = fakeJwks();
  const clock = { ms: T0 };
  const verifier = createTokenVerifier({
    algorithms: ['RS256', 'ES256'],
    jwks: { ...jwks, fetch: server.fetch, cacheTtlMs: TTL, minRefetchIntervalMs: INTERVAL },
    now: () => clock.ms,
  });
  return { server, clock, verifier };
}

function rs256(kid: string | undefined, key = rsa1, claims: Record<string, unknown> = {}): string {
  return signToken({ sub: 'dave', exp: T0 / 1000 + 3600, ...claims }, key.privateKey, 'RS256', kid);
}

async function codeOf(verifier: TokenVerifier, token: string): Promise<AuthErrorCode | 'ok'> {
  try {
    await verifier.verify(token);
    return 'ok';
  } catch (error) {
    if (!isAuthError(error)) throw error;
    return error.code;
  }
}

test('keys are fetched once and reused until the cache TTL passes', async () => {
  const { server, clock, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1', 'RS256'), ec1.jwk('e1')]);
  assert.equal((await verifier.verify(rs256('k1'))).userId, 'dave');
  await verifier.verify(rs256('k1'));
  await verifier.verify(signToken({ sub: 'erin', exp: T0 / 1000 + 60 }, ec1.privateKey, 'ES256', 'e1'));
  assert.equal(server.count(URL_A), 1);
  clock.ms += TTL;
  await verifier.verify(rs256('k1'));
  assert.equal(server.count(URL_A), 2);
});

test('a new kid after key rotation triggers a refetch and verifies', async () => {
  const { server, clock, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1')]);
  assert.equal(await codeOf(verifier, rs256('k1')), 'ok');
  server.serve(URL_A, [rsa2.jwk('k2')]);
  clock.ms += INTERVAL;
  assert.equal(await codeOf(verifier, rs256('k2', rsa2)), 'ok');
  assert.equal(server.count(URL_A), 2);
  assert.equal(await codeOf(verifier, rs256('k1')), 'token_key_unknown', 'a retired key is dropped from the cache');
});

test('a kid still unknown after the refetch is token_key_unknown', async () => {
  const { server, clock, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1')]);
  await verifier.verify(rs256('k1'));
  clock.ms += INTERVAL;
  assert.equal(await codeOf(verifier, rs256('nope')), 'token_key_unknown');
  assert.equal(server.count(URL_A), 2);
});

test('refetches for unknown kids are limited to one per interval', async () => {
  const { server, clock, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1')]);
  await verifier.verify(rs256('k1'));
  for (const kid of ['x1', 'x2', 'x3', 'x4']) assert.equal(await codeOf(verifier, rs256(kid)), 'token_key_unknown');
  assert.equal(server.count(URL_A), 1);
  clock.ms += INTERVAL - 1;
  assert.equal(await codeOf(verifier, rs256('x5')), 'token_key_unknown');
  assert.equal(server.count(URL_A), 1);
  clock.ms += 1;
  assert.equal(await codeOf(verifier, rs256('x6')), 'token_key_unknown');
  assert.equal(await codeOf(verifier, rs256('x7')), 'token_key_unknown');
  assert.equal(server.count(URL_A), 2);
});

test('issuers sharing a kid keep separate keys: (issuer, kid) selects, never kid alone', async () => {
  const { server, verifier } = setup({ byIssuer: { 'https://a': URL_A, 'https://b': URL_B } });
  server.serve(URL_A, [rsa1.jwk('k1')]);
  server.serve(URL_B, [rsa2.jwk('k1')]);
  assert.equal(await codeOf(verifier, rs256('k1', rsa1, { iss: 'https://a' })), 'ok');
  assert.equal(await codeOf(verifier, rs256('k1', rsa2, { iss: 'https://b' })), 'ok');
  // Issuer B's key, claiming to be issuer A (and the reverse), with both k1 keys cached.
  assert.equal(await codeOf(verifier, rs256('k1', rsa2, { iss: 'https://a' })), 'token_bad_signature');
  assert.equal(await codeOf(verifier, rs256('k1', rsa1, { iss: 'https://b' })), 'token_bad_signature');
  assert.equal(server.count(URL_A), 1);
  assert.equal(server.count(URL_B), 1);
});

test('with keys per issuer, an unlisted or missing issuer is refused without fetching', async () => {
  const { server, verifier } = setup({ byIssuer: { 'https://a': URL_A } });
  server.serve(URL_A, [rsa1.jwk('k1')]);
  assert.equal(await codeOf(verifier, rs256('k1', rsa1, { iss: 'https://evil' })), 'token_issuer');
  assert.equal(await codeOf(verifier, rs256('k1')), 'token_issuer');
  assert.equal(server.count(URL_A), 0);
});

test('concurrent verifications share one fetch', async () => {
  const { server, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1')]);
  server.hold();
  const pending = Array.from({ length: 5 }, () => verifier.verify(rs256('k1')));
  assert.equal(server.count(URL_A), 1);
  server.release();
  const principals = await Promise.all(pending);
  assert.deepEqual(principals.map((p) => p.userId), ['dave', 'dave', 'dave', 'dave', 'dave']);
  assert.equal(server.count(URL_A), 1);
});

test('an unreachable JWKS is auth_unavailable (retriable), and retried only after the interval', async () => {
  const { server, clock, verifier } = setup();
  server.failWith(URL_A, { error: 'connect ECONNREFUSED' });
  const error = await verifier.verify(rs256('k1')).catch((e: unknown) => e);
  assert.ok(isAuthError(error));
  assert.equal(error.code, 'auth_unavailable');
  assert.equal(error.retriable, true);
  assert.equal(await codeOf(verifier, rs256('k1')), 'auth_unavailable');
  assert.equal(server.count(URL_A), 1);
  server.failWith(URL_A, { status: 503 });
  clock.ms += INTERVAL;
  assert.equal(await codeOf(verifier, rs256('k1')), 'auth_unavailable');
  server.serve(URL_A, [rsa1.jwk('k1')]);
  clock.ms += INTERVAL;
  assert.equal(await codeOf(verifier, rs256('k1')), 'ok');
  assert.equal(server.count(URL_A), 3);
});

test('a document that is not a key set is auth_unavailable', async () => {
  const fetch: JwksFetch = async () => ({ ok: true, status: 200, json: async () => ({ nokeys: true }) });
  const verifier = createTokenVerifier({ algorithms: ['RS256'], jwks: { url: URL_A, fetch }, now: () => T0 });
  assert.equal(await codeOf(verifier, rs256('k1')), 'auth_unavailable');
});

test('a hanging JWKS fetch times out as auth_unavailable', async () => {
  const fetch: JwksFetch = (_url, { signal }) =>
    new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
  const verifier = createTokenVerifier({ algorithms: ['RS256'], jwks: { url: URL_A, fetch, timeoutMs: 20 }, now: () => T0 });
  assert.equal(await codeOf(verifier, rs256('k1')), 'auth_unavailable');
});

test('known keys keep working when a refresh after the TTL fails', async () => {
  const { server, clock, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1')]);
  await verifier.verify(rs256('k1'));
  server.failWith(URL_A, { status: 500 });
  clock.ms += TTL;
  assert.equal(await codeOf(verifier, rs256('k1')), 'ok');
  assert.equal(server.count(URL_A), 2);
});

test("a JWK whose kty or alg does not match the token's alg is not used", async () => {
  const { server, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1', 'RS384'), rsa2.jwk('r2')]);
  assert.equal(await codeOf(verifier, rs256('k1')), 'token_key_unknown');
  const es256WithRsaKid = signToken({ sub: 'dave', exp: T0 / 1000 + 60 }, ec1.privateKey, 'ES256', 'r2');
  assert.equal(await codeOf(verifier, es256WithRsaKid), 'token_key_unknown');
  assert.equal(await codeOf(verifier, rs256('r2', rsa2)), 'ok');
});

test('a token without a kid cannot select a JWKS key', async () => {
  const { server, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1')]);
  assert.equal(await codeOf(verifier, rs256(undefined)), 'token_key_unknown');
  assert.equal(server.count(URL_A), 0);
});

test('verifyNow answers at once once the key set is fresh, and defers to verify before it was fetched or after it expired', async () => {
  const { server, clock, verifier } = setup();
  server.serve(URL_A, [rsa1.jwk('k1', 'RS256')]);
  assert.equal(verifier.verifyNow(rs256('k1')), undefined, 'nothing fetched yet');
  assert.equal(server.count(URL_A), 0, 'verifyNow never fetches');
  await verifier.verify(rs256('k1'));
  assert.equal(verifier.verifyNow(rs256('k1'))?.userId, 'dave');
  assert.throws(() => verifier.verifyNow(rs256('k1', rsa2)), (err: unknown) => isAuthError(err) && err.code === 'token_bad_signature');
  assert.equal(verifier.verifyNow(rs256('other')), undefined, 'an unknown kid may need a refetch');
  clock.ms += TTL;
  assert.equal(verifier.verifyNow(rs256('k1')), undefined, 'an expired key set needs a refetch');
  assert.equal(server.count(URL_A), 1);
});
