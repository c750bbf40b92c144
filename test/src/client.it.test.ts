import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Client } from 'pg';
import { mintDevToken } from '@switchboard/auth';
import {
  createClient,
  type ClientEvent,
  type ClientOptions,
  type MessageEvent,
  type SendResult,
  type StateChange,
  type SwitchboardClient,
  type WebSocketConstructorLike,
} from '@switchboard/client';
import { JWT_SECRET, startPlatform, type Platform } from './helpers/platform';
import { randomName } from './helpers/random';
import { sleep, waitUntil, withTimeout } from './helpers/waiting';

let platform: Platform;
const clients: SwitchboardClient[] = [];

before(async () => {
  platform = await startPlatform({ gateways: 2, env: { GATEWAY_RATE_PER_SECOND: '100000', GATEWAY_RATE_BURST: '100000', GATEWAY_USER_RATE_PER_SECOND: '100000', GATEWAY_USER_RATE_BURST: '100000' } });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await platform?.stop();
});

/** Every socket the clients of a test opened, with the URL it went to and how it ended. */
class SocketLog {
  readonly sockets: { ws: WebSocket; url: string; closeCode?: number }[] = [];

  constructor() {
    const log = this;
    this.WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url);
        const entry: { ws: WebSocket; url: string; closeCode?: number } = { ws: this, url: url.split('?')[0]! };
        log.sockets.push(entry);
        this.on('close', (code) => (entry.closeCode = code));
      }
    } as unknown as WebSocketConstructorLike;
  }

  readonly WebSocket: WebSocketConstructorLike;

  open(): WebSocket[] {
    return this.sockets.filter((s) => s.ws.readyState === WebSocket.OPEN).map((s) => s.ws);
  }
}

function connect(userId: string, options: Partial<ClientOptions> = {}): SwitchboardClient {
  const client = createClient({
    url: platform.gatewayUrls[0]!,
    token: () => mintDevToken({ secret: JWT_SECRET, userId }),
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  });
  clients.push(client);
  return client;
}

function record<K extends 'message' | 'event' | 'state'>(client: SwitchboardClient, name: K): Parameters<Parameters<SwitchboardClient['on']>[1]>[0][] {
  const seen: unknown[] = [];
  client.on(name, (payload) => seen.push(payload));
  return seen as never;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function bodiesInPostgres(conversationId: string): Promise<string[]> {
  const db = new Client({ connectionString: platform.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ body: string }>('SELECT body FROM persister_messages WHERE conversation_id = $1 ORDER BY seq', [conversationId]);
    return rows.map((r) => r.body);
  } finally {
    await db.end();
  }
}

/** Sends `<prefix>-0`, `<prefix>-1`, … every 30-60 ms while `running()`, at most `max`; returns the sends' results. */
async function keepSending(client: SwitchboardClient, to: string, prefix: string, running: () => boolean, max = 1_000): Promise<{ bodies: string[]; results: Promise<SendResult>[] }> {
  const bodies: string[] = [];
  const results: Promise<SendResult>[] = [];
  while (running() && bodies.length < max) {
    const body = `${prefix}-${bodies.length}`;
    bodies.push(body);
    results.push(client.send({ to, body }));
    await sleep(30 + Math.floor(Math.random() * 30));
  }
  return { bodies, results };
}

function assertTimeline(name: string, messages: MessageEvent[], expectedBodies: string[]): void {
  assert.deepEqual(
    messages.map((m) => m.seq),
    range(1, expectedBodies.length),
    `${name} got every message once, in order`,
  );
  assert.deepEqual([...messages.map((m) => m.body)].sort(), [...expectedBodies].sort(), `${name} got exactly the messages sent`);
}

test('a client cut off 20 times while sending and receiving, across two gateways: every message sent once, received once, in order', async () => {
  const log = new SocketLog();
  const aliceId = randomName('alice-');
  const bobId = randomName('bob-');
  const alice = connect(aliceId, { url: platform.gatewayUrls, WebSocket: log.WebSocket });
  const bob = connect(bobId, { url: platform.gatewayUrls[1]! });
  const aliceGot = record(alice, 'message') as MessageEvent[];
  const bobGot = record(bob, 'message') as MessageEvent[];
  const aliceStates = record(alice, 'state') as StateChange[];
  await Promise.all([alice.ready(), bob.ready()]);

  let cutting = true;
  let sendersDone = 0;
  const fromAlice = keepSending(alice, bobId, 'a', () => cutting).finally(() => (sendersDone += 1));
  const fromBob = keepSending(bob, aliceId, 'b', () => cutting).finally(() => (sendersDone += 1));
  for (let cut = 0; cut < 20; cut++) {
    const had = aliceGot.length;
    await withTimeout(alice.ready(), 20_000, `alice resuming before cut ${cut + 1}`);
    // Traffic flows on this connection before it is cut, while Bob still sends.
    await waitUntil('alice receives', 20_000, () => aliceGot.length > had || sendersDone === 2, 10);
    await sleep(Math.floor(Math.random() * 150));
    const open = log.open();
    assert.equal(open.length, 1, 'one socket open at a time');
    const statesBefore = aliceStates.length;
    open[0]!.terminate();
    // From the recorded changes: a reconnect can be over before a poll of `alice.state` sees it.
    await waitUntil('alice notices the cut', 10_000, () => aliceStates.slice(statesBefore).some((s) => s.state === 'reconnecting'), 5);
  }
  cutting = false;
  const [a, b] = await Promise.all([fromAlice, fromBob]);
  const acks = await withTimeout(Promise.all([...a.results, ...b.results]), 60_000, 'every send acknowledged');
  const total = a.bodies.length + b.bodies.length;
  const conversationId = acks[0]!.conversationId;
  assert.deepEqual(acks.map((r) => r.seq).sort((x, y) => x - y), range(1, total), 'each send has its own seq');

  await waitUntil('both sides have every message', 30_000, () => aliceGot.length >= total && bobGot.length >= total);
  await sleep(300);
  assertTimeline('alice', aliceGot, [...a.bodies, ...b.bodies]);
  assertTimeline('bob', bobGot, [...a.bodies, ...b.bodies]);

  const stored = await bodiesInPostgres(conversationId);
  assert.equal(stored.length, total, 'Postgres holds each message once');
  assert.deepEqual([...stored].sort(), [...a.bodies, ...b.bodies].sort());

  assert.ok(a.bodies.length >= 20 && b.bodies.length >= 20, `both kept sending (${a.bodies.length}, ${b.bodies.length})`);
  assert.ok(aliceStates.filter((s) => s.state === 'reconnecting').length >= 20, 'alice reconnected after every cut');
  const urls = new Set(log.sockets.map((s) => s.url));
  assert.deepEqual([...urls].sort(), [...platform.gatewayUrls].sort(), 'alice used both gateways');
});

test('tokens that expire every 3 s are replaced before they expire, without losing or repeating a message', async () => {
  const log = new SocketLog();
  const aliceId = randomName('alice-');
  const bobId = randomName('bob-');
  let minted = 0;
  const alice = connect(aliceId, {
    url: platform.gatewayUrls,
    WebSocket: log.WebSocket,
    token: () => {
      minted += 1;
      return mintDevToken({ secret: JWT_SECRET, userId: aliceId, ttlSec: 3 });
    },
  });
  const bob = connect(bobId);
  const aliceGot = record(alice, 'message') as MessageEvent[];
  const bobGot = record(bob, 'message') as MessageEvent[];
  const aliceStates = record(alice, 'state') as StateChange[];
  await Promise.all([alice.ready(), bob.ready()]);

  let running = true;
  const fromAlice = keepSending(alice, bobId, 'a', () => running);
  const fromBob = keepSending(bob, aliceId, 'b', () => running);
  // Several token lifetimes.
  await waitUntil('alice went through three tokens', 30_000, () => minted >= 4);
  await sleep(1_000);
  running = false;
  const [a, b] = await Promise.all([fromAlice, fromBob]);
  await withTimeout(Promise.all([...a.results, ...b.results]), 30_000, 'every send acknowledged');
  const total = a.bodies.length + b.bodies.length;
  await waitUntil('both sides have every message', 30_000, () => aliceGot.length >= total && bobGot.length >= total);
  await sleep(300);
  assertTimeline('alice', aliceGot, [...a.bodies, ...b.bodies]);
  assertTimeline('bob', bobGot, [...a.bodies, ...b.bodies]);

  const replaced = log.sockets.filter((s) => s.closeCode === 1000);
  assert.ok(replaced.length >= 2, `the client replaced its connection itself (${log.sockets.map((s) => s.closeCode).join(', ')})`);
  assert.equal(alice.state, 'connected');
});

test('groups, edits, deletes, receipts, typing, signals and history through the client', async () => {
  const [annId, benId, catId] = ['ann-', 'ben-', 'cat-'].map((p) => randomName(p)) as [string, string, string];
  const ann = connect(annId);
  const ben = connect(benId, { url: platform.gatewayUrls[1]! });
  const cat = connect(catId);
  const annEvents = record(ann, 'event') as ClientEvent[];
  const benEvents = record(ben, 'event') as ClientEvent[];
  const catEvents = record(cat, 'event') as ClientEvent[];
  await Promise.all([ann.ready(), ben.ready(), cat.ready()]);

  const group = await ann.createGroup('team', [benId]);
  assert.equal(group.seq, 1);
  const first = await ben.send({ conversationId: group.conversationId, body: 'hello team' });
  const second = await ann.send({ conversationId: group.conversationId, body: 'tpyo' });
  const edited = await ann.edit(group.conversationId, second.seq, 'typo');
  const removed = await ann.delete(group.conversationId, second.seq);
  const added = await ann.addMember(group.conversationId, catId);
  await ben.markRead(group.conversationId, added.seq);
  assert.deepEqual([first.seq, second.seq, edited.seq, removed.seq, added.seq], [2, 3, 4, 5, 6]);

  const timeline = (events: ClientEvent[]) => events.filter((e) => e.conversationId === group.conversationId && e.seq !== null);
  await waitUntil('ann and ben have the whole timeline', 20_000, () => timeline(annEvents).length === 6 && timeline(benEvents).length === 6);
  for (const events of [annEvents, benEvents]) {
    assert.deepEqual(
      timeline(events).map((e) => [e.seq, e.kind]),
      [
        [1, 'group_created'],
        [2, 'message'],
        [3, 'message'],
        [4, 'message_edited'],
        [5, 'message_deleted'],
        [6, 'member_added'],
      ],
    );
  }
  assert.deepEqual(timeline(annEvents)[0]!.members, [annId, benId]);
  await waitUntil('ann sees ben\'s read receipt', 20_000, () => annEvents.some((e) => e.kind === 'read' && e.userId === benId && e.upToSeq === 6));
  await waitUntil('cat sees the group from the seq she was added at', 20_000, () => timeline(catEvents).length >= 1);
  assert.deepEqual(timeline(catEvents).map((e) => [e.seq, e.kind, e.userId]), [[6, 'member_added', catId]]);

  const typing = new Promise((resolve) => ben.once('typing', resolve));
  await ann.typing(group.conversationId, true);
  assert.deepEqual(await typing, { conversationId: group.conversationId, userId: annId, active: true });

  await ann.send({ to: benId, body: 'a direct line first' });
  const signal = new Promise((resolve) => ben.once('signal', resolve));
  await ann.signal(benId, 'offer', 'v=0 sdp');
  assert.deepEqual(await signal, { from: annId, kind: 'offer', payload: 'v=0 sdp' });

  const leave = await cat.removeMember(group.conversationId, catId);
  assert.equal(leave.seq, 7);
  await assert.rejects(cat.send({ conversationId: group.conversationId, body: 'let me in' }), (err: unknown) => {
    assert.equal((err as { code?: string }).code, 'not_member');
    assert.equal((err as { retriable?: boolean }).retriable, false);
    return true;
  });

  await waitUntil('the persister has the whole group', 20_000, async () => (await ann.history(group.conversationId, { limit: 1 })).events[0]?.seq === 7);
  const pages = [];
  for await (const page of ann.historyPages(group.conversationId, { limit: 3 })) pages.push(page.events.map((e) => e.seq));
  assert.deepEqual(pages, [[5, 6, 7], [2, 3, 4], [1]]);
});

test('the browser bundle connects with a global WebSocket and talks to a Node client', async () => {
  const bundle = require.resolve('@switchboard/client/browser');
  const globals = globalThis as { WebSocket?: unknown };
  const previous = globals.WebSocket;
  globals.WebSocket = WebSocket;
  try {
    const browser = (await import(bundle)) as typeof import('@switchboard/client');
    const webId = randomName('web-');
    const nodeId = randomName('node-');
    const web = browser.createClient({ url: platform.gatewayUrls[0]!, token: () => mintDevToken({ secret: JWT_SECRET, userId: webId }) });
    clients.push(web);
    const node = connect(nodeId, { url: platform.gatewayUrls[1]! });
    const got = new Promise<MessageEvent>((resolve) => node.once('message', resolve));
    const sent = await web.send({ to: nodeId, body: 'from the browser build' });
    const message = await got;
    assert.deepEqual([message.seq, message.body, message.actorId], [sent.seq, 'from the browser build', webId]);
  } finally {
    globals.WebSocket = previous;
  }
});
