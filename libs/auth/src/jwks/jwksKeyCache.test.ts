import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rsaKeyPair } from '../testSupport/keys';
import { createJwksKeyCache } from './jwksKeyCache';
import { parseJwks } from './parseJwks';

const [a1, b1, a2] = parseJwks({ keys: [rsaKeyPair().jwk('k1'), rsaKeyPair().jwk('k1'), rsaKeyPair().jwk('k2')] });

test('the same kid under two issuers resolves to each issuer own key', () => {
  assert.ok(a1 && b1 && a2);
  const cache = createJwksKeyCache();
  cache.replace('A', [a1]);
  cache.replace('B', [b1]);
  assert.deepEqual(cache.get('A', 'k1'), [a1]);
  assert.deepEqual(cache.get('B', 'k1'), [b1]);
  assert.deepEqual(cache.get('C', 'k1'), []);
});

test('replacing one issuer drops its retired keys and leaves the others', () => {
  assert.ok(a1 && b1 && a2);
  const cache = createJwksKeyCache();
  cache.replace('A', [a1]);
  cache.replace('B', [b1]);
  cache.replace('A', [a2]);
  assert.deepEqual(cache.get('A', 'k1'), []);
  assert.deepEqual(cache.get('A', 'k2'), [a2]);
  assert.deepEqual(cache.get('B', 'k1'), [b1]);
});

test('issuer and kid cannot be confused by joining them', () => {
  assert.ok(a1);
  const cache = createJwksKeyCache();
  cache.replace('A:', [{ ...a1, kid: 'k1' }]);
  assert.deepEqual(cache.get('A', ':k1'), []);
});
