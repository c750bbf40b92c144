import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenVerifier, isAuthError, type AuthErrorCode, type TokenVerifierOptions } from './index';
import { hmacToken } from './testSupport/keys';

const SECRET = 'claims-secret-0123456789-abcdefghijkl';
const NOW = Date.UTC(2030, 0, 1);
const nowSec = NOW / 1000;
const valid = { sub: 'carol', exp: nowSec + 60 };

function verifierWith(options: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({ algorithms: ['HS256'], secret: SECRET, now: () => NOW, ...options });
}

function sign(payload: Record<string, unknown>): string {
  return hmacToken({ alg: 'HS256', typ: 'JWT' }, payload, SECRET);
}

async function outcome(payload: Record<string, unknown>, options: Partial<TokenVerifierOptions> = {}): Promise<AuthErrorCode | 'ok'> {
  try {
    await verifierWith(options).verify(sign(payload));
    return 'ok';
  } catch (error) {
    if (!isAuthError(error)) throw error;
    return error.code;
  }
}

test('exp is required and must be a number', async () => {
  assert.equal(await outcome({ sub: 'carol' }), 'token_malformed');
  assert.equal(await outcome({ sub: 'carol', exp: String(nowSec + 60) }), 'token_malformed');
});

test('an expired token is refused, with the default 5 s clock tolerance', async () => {
  assert.equal(await outcome({ sub: 'carol', exp: nowSec - 60 }), 'token_expired');
  assert.equal(await outcome({ sub: 'carol', exp: nowSec - 4 }), 'ok');
  assert.equal(await outcome({ sub: 'carol', exp: nowSec - 5 }), 'token_expired');
  assert.equal(await outcome({ sub: 'carol', exp: nowSec - 4 }, { clockToleranceSec: 0 }), 'token_expired');
});

test('a token used before nbf is refused', async () => {
  assert.equal(await outcome({ ...valid, nbf: nowSec + 30 }), 'token_not_yet_valid');
  assert.equal(await outcome({ ...valid, nbf: nowSec + 5 }), 'ok');
  assert.equal(await outcome({ ...valid, nbf: nowSec - 30 }), 'ok');
  assert.equal(await outcome({ ...valid, nbf: 'soon' }), 'token_malformed');
});

test('the audience must match when configured', async () => {
  assert.equal(await outcome({ ...valid, aud: 'switchboard' }, { audience: 'switchboard' }), 'ok');
  assert.equal(await outcome({ ...valid, aud: ['other', 'switchboard'] }, { audience: 'switchboard' }), 'ok');
  assert.equal(await outcome({ ...valid, aud: 'other' }, { audience: 'switchboard' }), 'token_audience');
  assert.equal(await outcome(valid, { audience: 'switchboard' }), 'token_audience');
  assert.equal(await outcome({ ...valid, aud: 'other' }), 'ok');
});

test('the issuer must be one of the configured ones', async () => {
  assert.equal(await outcome({ ...valid, iss: 'https://a' }, { issuer: 'https://a' }), 'ok');
  assert.equal(await outcome({ ...valid, iss: 'https://b' }, { issuer: ['https://a', 'https://b'] }), 'ok');
  assert.equal(await outcome({ ...valid, iss: 'https://c' }, { issuer: ['https://a', 'https://b'] }), 'token_issuer');
  assert.equal(await outcome(valid, { issuer: 'https://a' }), 'token_issuer');
});

test('sub must be present and made of the safe alphabet', async () => {
  assert.equal(await outcome({ exp: valid.exp }), 'token_subject');
  assert.equal(await outcome({ ...valid, sub: '' }), 'token_subject');
  assert.equal(await outcome({ ...valid, sub: 42 }), 'token_subject');
  assert.equal(await outcome({ ...valid, sub: 'carol smith' }), 'token_subject');
  assert.equal(await outcome({ ...valid, sub: 'carol\nadmin' }), 'token_subject');
  assert.equal(await outcome({ ...valid, sub: 'x'.repeat(129) }), 'token_subject');
  assert.equal(await outcome({ ...valid, sub: `A-z_0.9@${'x'.repeat(120)}` }), 'ok');
});

test('maxTokenAgeSec needs iat and refuses older tokens', async () => {
  const options = { maxTokenAgeSec: 3600 };
  assert.equal(await outcome({ ...valid, iat: nowSec - 60 }, options), 'ok');
  assert.equal(await outcome(valid, options), 'token_malformed');
  assert.equal(await outcome({ ...valid, iat: nowSec - 7200 }, options), 'token_expired');
  assert.equal(await outcome({ ...valid, iat: nowSec + 600 }, options), 'token_not_yet_valid');
  assert.equal(await outcome({ ...valid, iat: nowSec - 7200 }), 'ok');
});

test('a bad signature is reported before any claim problem', async () => {
  const token = hmacToken({ alg: 'HS256' }, { sub: 'bad sub', exp: nowSec - 600 }, `${SECRET}-wrong`);
  await assert.rejects(verifierWith().verify(token), (error: unknown) => isAuthError(error) && error.code === 'token_bad_signature');
});
