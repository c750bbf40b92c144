import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { createClient, type StateChange } from './index';
import { until } from './testSupport/fakeSockets';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('with ws: an upgrade that never gets an answer is given up after connectTimeoutMs and tried again', async () => {
  const sockets: { destroy(): void }[] = [];
  const server = createTcpServer((socket) => sockets.push(socket));
  const port = await listen(server);
  const client = createClient({ url: `ws://127.0.0.1:${port}/v1`, token: () => 'token', connectTimeoutMs: 100, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
  await until(() => sockets.length >= 3, 5_000, 'three attempts');
  await client.close();
  for (const socket of sockets) socket.destroy();
  server.close();
});

test('with ws: the HTTP status of a refused upgrade drives the policy (429 stops, 401 retries with new tokens)', async () => {
  let status = 429;
  let upgrades = 0;
  const server = createHttpServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (_req, socket) => {
    upgrades += 1;
    socket.end(`HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":"refused"}`);
  });
  const port = await listen(server as unknown as Server);
  const url = `ws://127.0.0.1:${port}/v1`;

  const crowded = createClient({ url, token: () => 'token' });
  const crowdedStates: StateChange[] = [];
  crowded.on('state', (s) => crowdedStates.push(s));
  await assert.rejects(crowded.ready(), { code: 'too_many_sessions' });
  assert.equal(crowdedStates.at(-1)?.state, 'closed');

  status = 401;
  upgrades = 0;
  let tokens = 0;
  const refused = createClient({ url, token: () => `token-${++tokens}`, reconnect: { initialDelayMs: 5, maxDelayMs: 10 } });
  await assert.rejects(refused.ready(), { code: 'unauthorized' });
  assert.equal(upgrades, 3);
  assert.equal(tokens, 3);
  server.close();
});
