import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClientCore } from './client';
import { memoryCursorStore } from './cursorStores';
import { FakeGateway, fakeToken, until, type FakeSocket } from './testSupport/fakeSockets';
import type { ClientOptions, MessageEvent, StateChange, SwitchboardClient } from './types';
import type { ClientEvent } from './wire';

const DM = 'dm.0123456789abcdef0123456789abcdef';
const open: SwitchboardClient[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function start(options: Partial<ClientOptions> = {}) {
  const gateway = new FakeGateway();
  const tokens: string[] = [];
  const client = createClientCore(
    {
      url: ['ws://gw-1/v1', 'ws://gw-2/v1'],
      token: () => {
        const token = fakeToken('me');
        tokens.push(token);
        return token;
      },
      reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
      heartbeatIntervalMs: 0,
      ...options,
    },
    { WebSocket: gateway.WebSocket },
  );
  open.push(client);
  const states: StateChange[] = [];
  const events: ClientEvent[] = [];
  client.on('state', (s) => states.push(s));
  client.on('event', (e) => events.push(e));
  return { gateway, client, tokens, states, events };
}

function event(seq: number, overrides: Partial<ClientEvent> = {}): Record<string, unknown> {
  return {
    type: 'event',
    event: { conversationId: DM, conversationKind: 'direct', seq, kind: 'message', actorId: 'bob', at: seq, messageId: `m${seq}`, clientMsgId: `b${seq}`, body: `b${seq}`, contentType: 'text/plain', ...overrides },
  };
}

/** Opens the next socket, says welcome and answers its sync. */
async function connectNext(gateway: FakeGateway, count: number): Promise<FakeSocket> {
  const socket = await gateway.opened(count);
  socket.welcome();
  socket.ok('sync', { conversations: [] });
  return socket;
}

test('sync is the first frame after welcome on every connection, with the cursors the application has', async () => {
  const { gateway, client } = start({ cursorStore: memoryCursorStore({ [DM]: 7 }) });
  const sending = client.send({ to: 'bob', body: 'queued while connecting' });
  const first = await gateway.opened(1);
  assert.equal(first.url.split('?')[0], 'ws://gw-1/v1');
  first.welcome();
  assert.deepEqual(first.sent.map((f) => f.type), ['sync', 'send']);
  assert.deepEqual(first.sent[0]!.cursors, { [DM]: 7 });
  first.ok('sync', { conversations: [] });
  first.push(event(8));
  first.serverClose(1006);

  const second = await gateway.opened(2);
  assert.equal(second.url.split('?')[0], 'ws://gw-2/v1', 'each new connection takes the next URL');
  second.welcome();
  assert.deepEqual(second.sent.map((f) => f.type), ['sync', 'send']);
  assert.deepEqual(second.sent[0]!.cursors, { [DM]: 8 });
  second.ok('send', { conversationId: DM, seq: 9, messageId: 'm9' });
  assert.deepEqual(await sending, { conversationId: DM, seq: 9, messageId: 'm9' });
});

test('a send lost with its connection is written again with the same client id; its ack stands for it in the timeline once', async () => {
  const { gateway, client, events } = start();
  const first = await connectNext(gateway, 1);
  const sending = client.send({ to: 'bob', body: 'hello' });
  const clientMsgId = first.last('send').clientMsgId;
  first.serverClose(1006);
  const second = await connectNext(gateway, 2);
  assert.equal(second.last('send').clientMsgId, clientMsgId);
  // The sync pushes the message (it was committed before the cut), then the retry is answered.
  second.push(event(1, { actorId: 'me', clientMsgId: clientMsgId as string, body: 'hello' }));
  second.ok('send', { conversationId: DM, seq: 1, messageId: 'm1' });
  assert.equal((await sending).seq, 1);
  second.push(event(2));
  assert.deepEqual(events.map((e) => [e.seq, e.actorId, e.body]), [
    [1, 'me', 'hello'],
    [2, 'bob', 'b2'],
  ]);
});

test('the ack of one\'s own send is delivered as the message event when the gateway does not push it', async () => {
  const { gateway, client } = start();
  const got: MessageEvent[] = [];
  client.on('message', (m) => got.push(m));
  const socket = await connectNext(gateway, 1);
  const sending = client.send({ to: 'bob', body: 'mine', contentType: 'text/markdown' });
  socket.push(event(1));
  socket.ok('send', { conversationId: DM, seq: 2, messageId: 'm2' });
  await sending;
  socket.push(event(2, { body: 'a late copy' }));
  assert.deepEqual(got.map((m) => [m.seq, m.actorId, m.body, m.contentType]), [
    [1, 'bob', 'b1', 'text/plain'],
    [2, 'me', 'mine', 'text/markdown'],
  ]);
});

test('a retriable refusal of a send is retried; a final one fails the send with the typed error', async () => {
  const { gateway, client } = start();
  const socket = await connectNext(gateway, 1);
  const retried = client.send({ to: 'bob', body: 'busy' });
  socket.fail('send', 'rate_limited', true);
  await until(() => socket.sent.filter((f) => f.type === 'send').length === 2, 2_000, 'the retry');
  socket.ok('send', { conversationId: DM, seq: 1, messageId: 'm1' });
  assert.equal((await retried).seq, 1);
  const refused = client.send({ conversationId: DM, body: 'no' });
  socket.fail('send', 'not_member', false);
  await assert.rejects(refused, { name: 'SwitchboardError', code: 'not_member', retriable: false });
});

test('a full outbox and an invalid send are refused at once', async () => {
  const { client } = start({ maxOutbox: 2 });
  void client.send({ to: 'bob', body: '1' }).catch(() => undefined);
  void client.send({ to: 'bob', body: '2' }).catch(() => undefined);
  await assert.rejects(client.send({ to: 'bob', body: '3' }), { code: 'outbox_full', retriable: true });
  await assert.rejects(client.send({ body: 'to nobody' }), { code: 'invalid_request' });
  await assert.rejects(client.send({ to: 'bob', body: 'x'.repeat(16_385) }), { code: 'body_too_large' });
});

for (const [code, errorCode] of [
  [4008, 'too_many_sessions'],
  [1003, 'binary_not_supported'],
  [1009, 'frame_too_large'],
] as const) {
  test(`close ${code} stops the client with ${errorCode}: pending work fails with it and nothing reconnects`, async () => {
    const { gateway, client, states } = start();
    const socket = await connectNext(gateway, 1);
    const sending = client.send({ to: 'bob', body: 'x' });
    const ready = client.ready();
    socket.serverClose(code);
    await assert.rejects(sending, { code: errorCode, retriable: false });
    await assert.rejects(ready.then(() => client.ready()), { code: errorCode });
    assert.equal(client.state, 'closed');
    assert.equal(states.at(-1)?.error?.code, errorCode);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(gateway.sockets.length, 1);
  });
}

test('an upgrade refused with 429 stops the client; 401 is retried with new tokens, three in a row stop it', async () => {
  const crowded = start();
  (await crowded.gateway.opened(1)).refuse(429);
  await until(() => crowded.client.state === 'closed');
  assert.equal(crowded.states.at(-1)?.error?.code, 'too_many_sessions');

  const { gateway, client, tokens, states } = start();
  (await gateway.opened(1)).refuse(401);
  (await gateway.opened(2)).refuse(401);
  (await gateway.opened(3)).refuse(401);
  await until(() => client.state === 'closed');
  assert.equal(states.at(-1)?.error?.code, 'unauthorized');
  assert.equal(tokens.length, 3, 'a token was asked for each attempt');
});

test('going_away and unauthorized (4001) reconnect at once, with a token asked for anew; 1006 and 4009 reconnect too', async () => {
  const { gateway, tokens, states } = start();
  let socket = await connectNext(gateway, 1);
  // Both reconnect without a delay only after a connection that lived a while.
  await new Promise((r) => setTimeout(r, 1_050));
  socket.serverClose(4001, 'unauthorized');
  socket = await connectNext(gateway, 2);
  assert.equal(tokens.length, 2);
  assert.equal(states.find((s) => s.state === 'reconnecting')?.delayMs, 0);
  for (const [i, code] of [1001, 1006, 4009, 4010, 1011].entries()) {
    socket.serverClose(code);
    socket = await connectNext(gateway, 3 + i);
  }
  assert.equal(tokens.length, 7);
});

test('before the token expires a new connection takes over, and the old one is closed once its answers are in', async () => {
  const gatewayTokens: string[] = [];
  const { gateway, client, states } = start({
    token: () => {
      const token = fakeToken('me', 2_000);
      gatewayTokens.push(token);
      return token;
    },
    tokenRefreshMarginMs: 800,
  });
  const first = await connectNext(gateway, 1);
  const pending = client.history(DM);
  const second = await gateway.opened(2, 3_000);
  assert.equal(first.closedByClient, undefined, 'the old connection stays while the new one opens');
  second.welcome();
  assert.equal(second.sent[0]!.type, 'sync');
  const afterSwitch = client.send({ to: 'bob', body: 'on the new one' });
  assert.equal(second.last('send').body, 'on the new one');
  assert.equal(first.closedByClient, undefined, 'the old connection still owes an answer');
  first.ok('history', { events: [], hasMore: false });
  assert.deepEqual(await pending, { events: [], hasMore: false });
  await until(() => first.closedByClient !== undefined);
  assert.deepEqual(first.closedByClient, { code: 1000, reason: 'replaced' });
  second.ok('send', { conversationId: DM, seq: 1, messageId: 'm1' });
  await afterSwitch;
  assert.deepEqual(
    states.map((s) => s.state),
    ['connected'],
    'the application never saw the connection go',
  );
  assert.equal(gatewayTokens.length, 2);
});

test('typing and signals that both overlapping connections bring are delivered once', async () => {
  const { gateway, client } = start({ token: () => fakeToken('me', 2_000), tokenRefreshMarginMs: 800 });
  const signals: unknown[] = [];
  client.on('signal', (s) => signals.push(s));
  const first = await connectNext(gateway, 1);
  const second = await gateway.opened(2, 3_000);
  second.welcome();
  const offer = { type: 'signal', from: 'bob', kind: 'offer', payload: 'sdp' };
  first.push(offer);
  second.push(offer);
  second.push({ ...offer, kind: 'hangup' });
  assert.deepEqual(signals, [
    { from: 'bob', kind: 'offer', payload: 'sdp' },
    { from: 'bob', kind: 'hangup', payload: 'sdp' },
  ]);
});

test('ready waits for the resume; close fails what is pending with client_closed', async () => {
  const { gateway, client } = start();
  let ready = false;
  void client.ready().then(() => (ready = true));
  const socket = await gateway.opened(1);
  socket.welcome();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(ready, false);
  socket.ok('sync', { conversations: [{ conversationId: DM, kind: 'direct', name: null, lastSeq: 0, readCursors: {} }] });
  await until(() => ready);
  assert.equal(client.userId, 'me');
  assert.equal(client.conversations.length, 1);
  socket.serverClose(1006);
  await connectNext(gateway, 2);
  assert.deepEqual(client.conversations.map((c) => c.conversationId), [DM], 'a resume that reports nothing new forgets nothing');
  const sending = client.send({ to: 'bob', body: 'x' });
  await client.close();
  await assert.rejects(sending, { code: 'client_closed' });
  await assert.rejects(client.history(DM), { code: 'client_closed' });
  assert.equal(client.state, 'closed');
});

test('a quiet connection is pinged; one that does not answer is replaced', async () => {
  const { gateway } = start({ heartbeatIntervalMs: 40, requestTimeoutMs: 150 });
  const first = await connectNext(gateway, 1);
  await until(() => first.sent.some((f) => f.type === 'ping'), 2_000, 'a ping');
  first.ok('ping', { time: 1 });
  await until(() => first.sent.filter((f) => f.type === 'ping').length === 2, 2_000, 'the next ping');
  // This one is never answered.
  const second = await gateway.opened(2, 2_000);
  assert.equal(first.closedByClient?.code, 1000);
  second.welcome();
  assert.equal(second.sent[0]!.type, 'sync');
});

test('a refresh that finds no room for a second session (4008 before welcome) closes the old connection first', async () => {
  const { gateway, client, states } = start({ token: () => fakeToken('me', 2_000), tokenRefreshMarginMs: 800 });
  const first = await connectNext(gateway, 1);
  const second = await gateway.opened(2, 3_000);
  second.readyState = 1;
  second.push({ type: 'error', id: null, code: 'too_many_sessions', message: 'too many', retriable: false });
  second.serverClose(4008, 'too_many_sessions');
  assert.deepEqual(first.closedByClient, { code: 1000, reason: 'token refresh' });
  const third = await connectNext(gateway, 3);
  assert.equal(third.sent[0]!.type, 'sync');
  assert.equal(client.state, 'connected');
  assert.ok(!states.some((s) => s.state === 'closed'));
});

test('presence asks once per user and answers only counts; watchPresence polls and reports changes', async () => {
  const { gateway, client } = start();
  const socket = await connectNext(gateway, 1);
  const asked = client.presence(['bob', 'carol', 'bob']);
  await until(() => socket.sent.some((f) => f.type === 'presence'), 2_000, 'the presence request');
  assert.deepEqual(socket.last('presence').userIds, ['bob', 'carol']);
  socket.ok('presence', { users: { bob: { online: true, sessions: 2 }, carol: { online: false, sessions: 0 } } });
  assert.deepEqual(await asked, { bob: { online: true, sessions: 2 }, carol: { online: false, sessions: 0 } });
  await assert.rejects(client.presence([]), { code: 'invalid_request' });
  await assert.rejects(client.presence(['a b']), { code: 'invalid_request' });
  assert.throws(() => client.watchPresence([], {}, () => undefined), { code: 'invalid_request' });

  const changes: Record<string, unknown>[] = [];
  const stop = client.watchPresence(['bob'], { intervalMs: 10 }, (changed) => changes.push(changed));
  const presenceRequests = () => socket.sent.filter((f) => f.type === 'presence').length;
  await until(() => presenceRequests() === 2, 2_000, 'the first poll');
  socket.ok('presence', { users: { bob: { online: true, sessions: 1 } } });
  await until(() => presenceRequests() === 3, 2_000, 'the second poll');
  socket.ok('presence', { users: { bob: { online: true, sessions: 1 } } });
  await until(() => presenceRequests() === 4, 2_000, 'the third poll');
  socket.ok('presence', { users: { bob: { online: false, sessions: 0 } } });
  await until(() => changes.length === 2, 2_000, 'the change');
  stop();
  assert.deepEqual(changes, [{ bob: { online: true, sessions: 1 } }, { bob: { online: false, sessions: 0 } }]);
});
