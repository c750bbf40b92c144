import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthOptionsError, createTokenVerifier, type TokenVerifierOptions } from './index';
import { ecKeyPair, rsaKeyPair } from './testSupport/keys';

const SECRET = 'options-secret-0123456789-abcdefghijk';
const rsa = rsaKeyPair();

function problemsOf(options: TokenVerifierOptions): string {
  try {
    createTokenVerifier(options);
  } catch (error) {
    assert.ok(error instanceof AuthOptionsError, String(error));
    return error.message;
  }
  assert.fail('expected the options to be refused');
}

test('usable options build a verifier', () => {
  createTokenVerifier({ algorithms: ['HS256'], secret: SECRET });
  createTokenVerifier({ algorithms: ['RS256'], publicKey: rsa.publicPem, audience: 'sb', issuer: ['a', 'b'], clockToleranceSec: 0 });
  createTokenVerifier({ algorithms: ['RS256', 'ES256'], jwks: { url: 'https://idp.test/jwks' } });
  createTokenVerifier({ algorithms: ['ES256'], jwks: { url: 'http://localhost:8080/jwks' } });
  createTokenVerifier({ algorithms: ['ES256'], jwks: { byIssuer: { a: 'https://a.test/jwks' } }, issuer: 'a' });
});

test('HS256 needs a secret of at least 32 bytes, and the message does not repeat it', () => {
  assert.match(problemsOf({ algorithms: ['HS256'] }), /HS256 needs a secret/);
  const short = 'short-secret-value';
  const message = problemsOf({ algorithms: ['HS256'], secret: short });
  assert.match(message, /at least 32 bytes, got 18/);
  assert.ok(!message.includes(short));
});

test('HS256 is never combined with a public-key algorithm', () => {
  assert.match(problemsOf({ algorithms: ['HS256', 'RS256'], secret: SECRET, publicKey: rsa.publicPem }), /algorithm confusion/);
  assert.match(problemsOf({ algorithms: ['HS256'], secret: SECRET, publicKey: rsa.publicPem }), /HS256 takes a secret/);
  assert.match(problemsOf({ algorithms: ['RS256'], secret: SECRET, publicKey: rsa.publicPem }), /secret is only for HS256/);
});

test('algorithms must be a non-empty list of supported names', () => {
  assert.match(problemsOf({ algorithms: [] }), /at least one of HS256, RS256, ES256/);
  assert.match(problemsOf({ algorithms: ['none'] as never }), /got "none"/);
  assert.match(problemsOf({ algorithms: ['RS384'] as never, publicKey: rsa.publicPem }), /got "RS384"/);
});

test('public-key algorithms need exactly one of publicKey and jwks', () => {
  assert.match(problemsOf({ algorithms: ['RS256'] }), /RS256 needs publicKey or jwks/);
  assert.match(problemsOf({ algorithms: ['RS256'], publicKey: rsa.publicPem, jwks: { url: 'https://idp.test/jwks' } }), /either publicKey or jwks/);
  assert.match(problemsOf({ algorithms: ['RS256'], publicKey: 'not a pem' }), /not a valid PEM public key/);
  const privatePem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.match(problemsOf({ algorithms: ['RS256'], publicKey: privatePem }), /holds a private key/);
  assert.match(problemsOf({ algorithms: ['RS256'], publicKey: ecKeyPair().publicPem }), /RS256 needs an RSA key/);
});

test('JWKS URLs must be https except on loopback, and timings positive', () => {
  assert.match(problemsOf({ algorithms: ['RS256'], jwks: { url: 'http://idp.test/jwks' } }), /jwks.url must be https/);
  assert.match(problemsOf({ algorithms: ['RS256'], jwks: { url: 'nope' } }), /jwks.url must be a URL/);
  assert.match(problemsOf({ algorithms: ['RS256'], jwks: { url: 'https://idp.test/jwks', minRefetchIntervalMs: -1 } }), /minRefetchIntervalMs must be a positive number/);
  assert.match(problemsOf({ algorithms: ['RS256'], jwks: { byIssuer: {} } }), /at least one issuer/);
});

test('with keys per issuer, every accepted issuer needs a key set', () => {
  const message = problemsOf({ algorithms: ['RS256'], jwks: { byIssuer: { a: 'https://a.test/jwks' } }, issuer: ['a', 'b'] });
  assert.match(message, /issuer "b" has no entry in jwks.byIssuer/);
});

test('every problem is reported at once', () => {
  const message = problemsOf({ algorithms: ['HS256'], secret: 'x', audience: '', clockToleranceSec: -1, maxTokenAgeSec: 0 });
  assert.match(message, /secret must be at least 32 bytes/);
  assert.match(message, /audience must be a non-empty string/);
  assert.match(message, /clockToleranceSec/);
  assert.match(message, /maxTokenAgeSec/);
});
