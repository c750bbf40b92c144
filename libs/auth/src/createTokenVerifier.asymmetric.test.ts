import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthOptionsError, createTokenVerifier, isAuthError, type AuthErrorCode, type TokenVerifier } from './index';
import { ecKeyPair, hmacToken, rsaKeyPair, signToken } from './testSupport/keys';

const NOW = Date.UTC(2030, 0, 1);
const payload = { sub: 'bob', exp: NOW / 1000 + 300 };
const rsa = rsaKeyPair();
const ec = ecKeyPair();
const rsVerifier = createTokenVerifier({ algorithms: ['RS256'], publicKey: rsa.publicPem, now: () => NOW });
const esVerifier = createTokenVerifier({ algorithms: ['ES256'], publicKey: ec.publicPem, now: () => NOW });

async function assertRefused(verifier: TokenVerifier, token: string, code: AuthErrorCode): Promise<void> {
  await assert.rejects(verifier.verify(token), (error: unknown) => isAuthError(error) && error.code === code);
}

test('RS256 with a PEM public key verifies a token signed by its private key', async () => {
  const principal = await rsVerifier.verify(signToken(payload, rsa.privateKey, 'RS256'));
  assert.equal(principal.userId, 'bob');
  assert.equal(principal.expiresAt, (NOW / 1000 + 300) * 1000);
});

test('ES256 with a PEM public key verifies a token signed by its private key', async () => {
  const principal = await esVerifier.verify(signToken(payload, ec.privateKey, 'ES256'));
  assert.equal(principal.userId, 'bob');
});

test('a token signed by a different key pair is refused', async () => {
  await assertRefused(rsVerifier, signToken(payload, rsaKeyPair().privateKey, 'RS256'), 'token_bad_signature');
  await assertRefused(esVerifier, signToken(payload, ecKeyPair().privateKey, 'ES256'), 'token_bad_signature');
});

test('algorithm confusion: HS256 keyed with the RS256 public key is refused by an RS256 verifier', async () => {
  for (const secret of [rsa.publicPem, rsa.publicPem.trim()]) {
    const forged = hmacToken({ alg: 'HS256', typ: 'JWT' }, payload, secret);
    await assertRefused(rsVerifier, forged, 'token_alg_not_allowed');
  }
});

test('a verifier refuses the other public-key algorithm', async () => {
  await assertRefused(rsVerifier, signToken(payload, ec.privateKey, 'ES256'), 'token_alg_not_allowed');
  await assertRefused(esVerifier, signToken(payload, rsa.privateKey, 'RS256'), 'token_alg_not_allowed');
});

test('a PEM key must fit every configured algorithm', () => {
  assert.throws(() => createTokenVerifier({ algorithms: ['RS256', 'ES256'], publicKey: rsa.publicPem }), AuthOptionsError);
  assert.throws(() => createTokenVerifier({ algorithms: ['ES256'], publicKey: ecKeyPair('secp384r1').publicPem }), /P-256/);
  assert.throws(() => createTokenVerifier({ algorithms: ['RS256'], publicKey: rsaKeyPair(1024).publicPem }), /at least 2048 bits/);
});
