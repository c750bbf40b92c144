import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHistoryClient, HistoryError, type HistoryClient } from './historyClient';

const GROUP = `grp.${'f'.repeat(32)}`;
const requests: { method: string; url: string; body: string }[] = [];
let server: Server;
let client: HistoryClient;

/** A stand-in persister: answers by path, and records what it was asked. */
before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const path = (req.url ?? '').split('?')[0];
      if (path === `/v1/conversations/${GROUP}/events`) return send(200, { events: [{ seq: 4 }, { seq: 5 }], hasMore: true });
      if (path === `/v1/conversations/${GROUP}/history`) return send(200, { events: [{ seq: 1 }], hasMore: false });
      if (path === '/v1/conversations/grp.forbidden/history') return send(403, { code: 'not_member', message: 'not a member' });
      if (path === '/v1/sync') return send(200, { conversations: [{ conversationId: GROUP, kind: 'group', name: 'g', lastSeq: 5, readCursors: { bob: 2 }, events: [{ seq: 5 }], hasMore: false }] });
      if (path === '/v1/conversations/grp.broken/history') return res.writeHead(500).end('boom');
      send(404, { code: 'conversation_not_found', message: 'no such conversation' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createHistoryClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, timeoutMs: 2_000 });
});

after(() => server.close());

test('eventsAfter asks for the page after a seq, with the wait for a gap', async () => {
  const page = await client.eventsAfter({ conversationId: GROUP, userId: 'alice', after: 3, limit: 1000, waitForSeq: 9, waitMs: 3000 });
  assert.deepEqual(page, { events: [{ seq: 4 }, { seq: 5 }], hasMore: true });
  const url = new URL(requests.at(-1)!.url, 'http://x');
  assert.equal(url.pathname, `/v1/conversations/${GROUP}/events`);
  assert.deepEqual(Object.fromEntries(url.searchParams), { userId: 'alice', after: '3', limit: '1000', waitForSeq: '9', waitMs: '3000' });
});

test('history passes before and limit', async () => {
  const page = await client.history({ conversationId: GROUP, userId: 'bob', before: 10, limit: 50 });
  assert.deepEqual(page, { events: [{ seq: 1 }], hasMore: false });
  const url = new URL(requests.at(-1)!.url, 'http://x');
  assert.deepEqual(Object.fromEntries(url.searchParams), { userId: 'bob', limit: '50', before: '10' });
});

test('sync posts the cursors and reads the conversations', async () => {
  const conversations = await client.sync({ userId: 'alice', cursors: { [GROUP]: 4 }, limit: 500 });
  assert.deepEqual(conversations, [{ conversationId: GROUP, kind: 'group', name: 'g', lastSeq: 5, readCursors: { bob: 2 }, events: [{ seq: 5 }], hasMore: false }]);
  const last = requests.at(-1)!;
  assert.equal(last.method, 'POST');
  assert.deepEqual(JSON.parse(last.body), { userId: 'alice', cursors: { [GROUP]: 4 }, limit: 500 });
});

test('sync sends an event budget for the whole answer when given one', async () => {
  await client.sync({ userId: 'alice', cursors: {}, limit: 1000, maxEvents: 1000 });
  assert.deepEqual(JSON.parse(requests.at(-1)!.body), { userId: 'alice', cursors: {}, limit: 1000, maxEvents: 1000 });
});

test('403, 404 and 5xx become not_member, conversation_not_found and unavailable', async () => {
  const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (err instanceof HistoryError ? err.code : 'other'));
  assert.equal(await codeOf(client.history({ conversationId: 'grp.forbidden', userId: 'x', limit: 1 })), 'not_member');
  assert.equal(await codeOf(client.history({ conversationId: 'grp.nothing', userId: 'x', limit: 1 })), 'conversation_not_found');
  assert.equal(await codeOf(client.history({ conversationId: 'grp.broken', userId: 'x', limit: 1 })), 'unavailable');
});

test('a persister that does not answer is unavailable', async () => {
  const down = createHistoryClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
  await assert.rejects(down.sync({ userId: 'a', cursors: {}, limit: 1 }), (err: unknown) => err instanceof HistoryError && err.code === 'unavailable');
});
