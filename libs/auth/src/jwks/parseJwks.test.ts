import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ecKeyPair, rsaKeyPair } from '../testSupport/keys';
import { jwkFitsAlgorithm, parseJwks } from './parseJwks';

const rsa = rsaKeyPair();
const ec = ecKeyPair();

test('signing keys with a kid are kept; others are skipped without failing the set', () => {
  const keys = parseJwks({
    keys: [
      rsa.jwk('r1', 'RS256'),
      ec.jwk('e1'),
      { ...rsa.jwk('enc'), use: 'enc' },
      { ...rsa.jwk('x'), kid: undefined },
      { kty: 'RSA', kid: 'broken', n: 'AQAB' },
      'junk',
    ],
  });
  assert.deepEqual(keys.map((k) => [k.kid, k.kty, k.alg]), [['r1', 'RSA', 'RS256'], ['e1', 'EC', undefined]]);
  assert.ok(keys.every((k) => k.key.type === 'public'));
});

test('private members of a JWK are ignored: only the public key is built', () => {
  const privateJwk = { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'p1' };
  const [key] = parseJwks({ keys: [privateJwk] });
  assert.equal(key?.key.type, 'public');
});

test('a document without a keys array is an error', () => {
  assert.throws(() => parseJwks({}), /no "keys" array/);
  assert.throws(() => parseJwks(null), /no "keys" array/);
});

test('a key fits an algorithm only when kty, curve and declared alg agree', () => {
  const [r1, e1, p384, rDeclared384] = parseJwks({
    keys: [rsa.jwk('r1'), ec.jwk('e1'), ecKeyPair('secp384r1').jwk('p384'), rsa.jwk('r384', 'RS384')],
  });
  assert.ok(r1 && e1 && p384 && rDeclared384);
  assert.equal(jwkFitsAlgorithm(r1, 'RS256'), true);
  assert.equal(jwkFitsAlgorithm(r1, 'ES256'), false);
  assert.equal(jwkFitsAlgorithm(e1, 'ES256'), true);
  assert.equal(jwkFitsAlgorithm(e1, 'RS256'), false);
  assert.equal(jwkFitsAlgorithm(p384, 'ES256'), false);
  assert.equal(jwkFitsAlgorithm(rDeclared384, 'RS256'), false);
});
