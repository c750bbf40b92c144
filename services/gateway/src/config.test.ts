import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@switchboard/config';
import { defaultGatewayId, gatewaySettings, loadGatewayConfig } from './config';

const SECRET = 'x'.repeat(32);

test('defaults give a working development configuration with an HS256 secret', () => {
  const settings = gatewaySettings(loadGatewayConfig({ JWT_SECRET: SECRET }));
  assert.equal(settings.port, 8080);
  assert.equal(settings.host, '0.0.0.0');
  assert.equal(settings.maxFrameBytes, 65_536);
  assert.equal(settings.idleTimeoutS, 60);
  assert.equal(settings.maxBufferedBytes, 1_048_576);
  assert.equal(settings.ratePerSecond, 50);
  assert.equal(settings.rateBurst, 100);
  assert.equal(settings.userRatePerSecond, 100);
  assert.equal(settings.userRateBurst, 200);
  assert.equal(settings.closeGraceMs, 5_000);
  assert.equal(settings.maxSessionsPerUser, 20);
  assert.equal(settings.requestTimeoutMs, 10_000);
  assert.equal(settings.fetchWaitMs, 100);
  assert.equal(settings.gapHoldMs, 10_000);
  assert.deepEqual(settings.allowedOrigins, []);
  assert.equal(settings.staticDir, undefined);
  assert.match(settings.gatewayId, /^gw-[a-z0-9-]+-\d+$/);
});

test('HS256 without JWT_SECRET is a configuration problem naming JWT_SECRET', () => {
  assert.throws(() => loadGatewayConfig({}), (err: unknown) => err instanceof ConfigError && /JWT_SECRET is required/.test(err.message));
});

test('problems of single variables and of the JWT settings are reported together', () => {
  assert.throws(
    () => loadGatewayConfig({ GATEWAY_PORT: 'x', GATEWAY_ID: 'Bad_Id', JWT_SECRET: 'short' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /GATEWAY_PORT/);
      assert.match(err.message, /GATEWAY_ID/);
      assert.match(err.message, /JWT_SECRET must be at least 32 bytes/);
      assert.doesNotMatch(err.message, /short/, 'the secret is not echoed');
      return true;
    },
  );
});

test('RS256 needs a public key or a JWKS URL, and refuses a secret', () => {
  assert.throws(() => loadGatewayConfig({ JWT_ALGORITHMS: 'RS256' }), /RS256 needs publicKey or jwks/);
  assert.throws(() => loadGatewayConfig({ JWT_ALGORITHMS: 'RS256', JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_SECRET: SECRET }), /JWT_SECRET is only for HS256/);
  const config = loadGatewayConfig({ JWT_ALGORITHMS: 'RS256,ES256', JWT_JWKS_URL: 'https://idp.example.com/jwks' });
  assert.deepEqual(config.JWT_ALGORITHMS, ['RS256', 'ES256']);
});

test('lists and numbers are parsed', () => {
  const settings = gatewaySettings(
    loadGatewayConfig({ JWT_SECRET: SECRET, GATEWAY_ALLOWED_ORIGINS: 'https://a.example, https://b.example', GATEWAY_RATE_BURST: '7', GATEWAY_ID: 'gw-1' }),
  );
  assert.deepEqual(settings.allowedOrigins, ['https://a.example', 'https://b.example']);
  assert.equal(settings.rateBurst, 7);
  assert.equal(settings.gatewayId, 'gw-1');
});

test('the default gateway id is made of allowed characters', () => {
  assert.equal(defaultGatewayId('Pod_Name.cluster.local', 42), 'gw-pod-name-cluster-local-42');
});

test('allowed origins are scheme://host[:port]; an entry that could never match stops the start', () => {
  const ok = gatewaySettings(loadGatewayConfig({ JWT_SECRET: SECRET, GATEWAY_ALLOWED_ORIGINS: 'https://app.example,http://localhost:5173,http://[::1]:8080/' }));
  assert.equal(ok.allowedOrigins.length, 3);
  for (const wrong of ['app.example', 'https://app.example/chat', '*', 'ws://app.example']) {
    assert.throws(() => loadGatewayConfig({ JWT_SECRET: SECRET, GATEWAY_ALLOWED_ORIGINS: wrong }), /GATEWAY_ALLOWED_ORIGINS/, wrong);
  }
});
