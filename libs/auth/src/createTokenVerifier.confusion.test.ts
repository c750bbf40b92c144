import { test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { createTokenVerifier, isAuthError, type AuthErrorCode, type TokenVerifier } from './index';
import { fakeJwks } from './testSupport/fakeJwks';
import { ecKeyPair, hmacToken, rawToken, rsaKeyPair, signToken } from './testSupport/keys';

const NOW = Date.UTC(2030, 0, 1);
const payload = { sub: 'bob', exp: NOW / 1000 + 300 };
const JWKS_URL = 'https://idp.test/jwks';
const ATTACKER_URL = 'https://attacker.test/jwks';
const rsa = rsaKeyPair();
const ec = ecKeyPair();
const attacker = rsaKeyPair();

async function codeOf(verifier: TokenVerifier, token: string): Promise<AuthErrorCode | 'ok'> {
  try {
    await verifier.verify(token);
    return 'ok';
  } catch (error) {
    if (!isAuthError(error)) throw error;
    return error.code;
  }
}

function jwksVerifier() {
  const server = fakeJwks();
  server.serve(JWKS_URL, [rsa.jwk('k1', 'RS256'), ec.jwk('e1', 'ES256')]);
  server.serve(ATTACKER_URL, [attacker.jwk('k1', 'RS256')]);
  const verifier = createTokenVerifier({ algorithms: ['RS256', 'ES256'], jwks: { url: JWKS_URL, fetch: server.fetch }, now: () => NOW });
  return { server, verifier };
}

test('algorithm confusion: HS256 keyed with the ES256 public key is refused by an ES256 verifier', async () => {
  const verifier = createTokenVerifier({ algorithms: ['ES256'], publicKey: ec.publicPem, now: () => NOW });
  assert.equal(await codeOf(verifier, hmacToken({ alg: 'HS256', typ: 'JWT' }, payload, ec.publicPem)), 'token_alg_not_allowed');
});

test('algorithm confusion with JWKS: HS256 keyed with a published key is refused before any fetch', async () => {
  const { server, verifier } = jwksVerifier();
  const published = [rsa.publicPem, JSON.stringify(rsa.jwk('k1', 'RS256')), ec.publicPem];
  for (const secret of published) {
    assert.equal(await codeOf(verifier, hmacToken({ alg: 'HS256', kid: 'k1' }, payload, secret)), 'token_alg_not_allowed');
  }
  assert.equal(server.count(JWKS_URL), 0);
  assert.equal(await codeOf(verifier, signToken(payload, rsa.privateKey, 'RS256', 'k1')), 'ok', 'the genuine key still works');
});

test('a symmetric key published in the JWKS is never used, whatever the token asks for', async () => {
  const server = fakeJwks();
  const secret = 'shared-secret-0123456789-abcdefghijkl';
  server.serve(JWKS_URL, [{ kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: 'sym', use: 'sig' }]);
  const verifier = createTokenVerifier({ algorithms: ['RS256'], jwks: { url: JWKS_URL, fetch: server.fetch }, now: () => NOW });
  assert.equal(await codeOf(verifier, hmacToken({ alg: 'HS256', kid: 'sym' }, payload, secret)), 'token_alg_not_allowed');
  assert.equal(await codeOf(verifier, signToken(payload, rsa.privateKey, 'RS256', 'sym')), 'token_key_unknown');
});

test('keys a token carries or points to (jwk, jku, x5u, x5c) are ignored: only configured keys verify', async () => {
  const header = {
    alg: 'RS256',
    kid: 'k1',
    jwk: attacker.jwk('k1', 'RS256'),
    jku: ATTACKER_URL,
    x5u: ATTACKER_URL,
    x5c: [attacker.publicPem.replace(/-----[A-Z ]+-----|\s/g, '')],
  } as unknown as jwt.JwtHeader;
  const forged = jwt.sign(payload, attacker.privateKey, { algorithm: 'RS256', header, noTimestamp: true });
  const { server, verifier } = jwksVerifier();
  assert.equal(await codeOf(verifier, forged), 'token_bad_signature');
  assert.equal(server.count(ATTACKER_URL), 0, 'the URL in the token was never fetched');
  const pinned = createTokenVerifier({ algorithms: ['RS256'], publicKey: rsa.publicPem, now: () => NOW });
  assert.equal(await codeOf(pinned, forged), 'token_bad_signature');
});

test('alg spellings of none, and algs that are not strings, are refused', async () => {
  const secret = 'dev-secret-0123456789-abcdefghijklmnop';
  const verifier = createTokenVerifier({ algorithms: ['HS256'], secret, now: () => NOW });
  for (const alg of ['none', 'NONE', 'nOnE', '', 'HS256 ', 'hs256', ['HS256'], { HS256: true }, null]) {
    assert.equal(await codeOf(verifier, rawToken({ alg }, payload)), 'token_alg_not_allowed', JSON.stringify(alg));
    assert.equal(await codeOf(verifier, hmacToken({ alg }, payload, secret)), 'token_alg_not_allowed', `${JSON.stringify(alg)} with an HMAC`);
  }
  assert.equal(await codeOf(verifier, signToken(payload, rsa.privateKey, 'RS256')), 'token_alg_not_allowed', 'a dev verifier takes no RS256');
});
