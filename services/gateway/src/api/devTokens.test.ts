import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, us_listen_socket_close, us_socket_local_port, type us_listen_socket } from 'uWebSockets.js';
import { createTokenVerifier } from '@switchboard/auth';
import { ConfigError } from '@switchboard/config';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { loadGatewayConfig } from '../config';
import { createDevTokenIssuer } from './devTokens';
import { registerHttpRoutes } from './httpRoutes';

const SECRET = 'dev-token-test-secret-0123456789abcdef';
const issuer = createDevTokenIssuer({ secret: SECRET, ttlSec: 600, audience: 'switchboard', issuer: 'local' });
const sockets: us_listen_socket[] = [];
let withTokens: string;
let withoutTokens: string;

async function serve(devTokens: boolean): Promise<string> {
  const app = App();
  registerHttpRoutes(app, {
    readiness: () => ({ ready: true }),
    metrics: createMetrics(),
    staticDir: undefined,
    ...(devTokens ? { devTokens: issuer } : {}),
    logger: createLogger('gateway', 'error'),
  });
  const socket = await new Promise<us_listen_socket>((resolve, reject) =>
    app.listen('127.0.0.1', 0, (s) => (s ? resolve(s) : reject(new Error('could not listen')))),
  );
  sockets.push(socket);
  return `http://127.0.0.1:${us_socket_local_port(socket)}`;
}

before(async () => {
  withTokens = await serve(true);
  withoutTokens = await serve(false);
});

after(() => {
  for (const socket of sockets) us_listen_socket_close(socket);
});

test('a dev token names the user, expires as announced and passes the gateway verifier', async () => {
  const response = await fetch(`${withTokens}/dev/token?user=alice.b%40example`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const body = (await response.json()) as { token: string; userId: string; expiresAt: number };
  assert.equal(body.userId, 'alice.b@example');
  const verifier = createTokenVerifier({ algorithms: ['HS256'], secret: SECRET, audience: 'switchboard', issuer: 'local' });
  const principal = await verifier.verify(body.token);
  assert.equal(principal.userId, 'alice.b@example');
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as { exp: number };
  assert.equal(body.expiresAt, claims.exp * 1000);
});

test('a missing or unsafe user id is refused with invalid_request', async () => {
  for (const query of ['', '?user=', '?user=a%20b', `?user=${'x'.repeat(129)}`]) {
    const response = await fetch(`${withTokens}/dev/token${query}`);
    assert.equal(response.status, 400, query);
    assert.equal(((await response.json()) as { code: string }).code, 'invalid_request');
  }
});

test('without GATEWAY_DEV_TOKENS there is no token endpoint', async () => {
  const response = await fetch(`${withoutTokens}/dev/token?user=alice`);
  assert.equal(response.status, 404);
});

test('GATEWAY_DEV_TOKENS is off by default, and refused in production or without HS256', () => {
  assert.equal(loadGatewayConfig({ JWT_SECRET: SECRET }).GATEWAY_DEV_TOKENS, false);
  assert.equal(loadGatewayConfig({ JWT_SECRET: SECRET, GATEWAY_DEV_TOKENS: '1' }).GATEWAY_DEV_TOKENS, true);
  assert.throws(
    () => loadGatewayConfig({ JWT_SECRET: SECRET, GATEWAY_DEV_TOKENS: '1', NODE_ENV: 'production' }),
    (err: unknown) => err instanceof ConfigError && /GATEWAY_DEV_TOKENS is for development only/.test(err.message),
  );
  assert.throws(
    () => loadGatewayConfig({ JWT_ALGORITHMS: 'RS256', JWT_JWKS_URL: 'https://idp.example.com/jwks', GATEWAY_DEV_TOKENS: 'true' }),
    (err: unknown) => err instanceof ConfigError && /JWT_ALGORITHMS must allow HS256/.test(err.message),
  );
});
