import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { createKafka, topicNames } from '@switchboard/kafka';
import { createCodec, decodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { directConversationId, type ClientEvent } from '@switchboard/protocol';
import { startPlatform, BROKERS, type Platform } from './helpers/platform';
import { TestClient } from './helpers/client';
import { randomName } from './helpers/random';

let platform: Platform;
const clients: TestClient[] = [];
const codec = createCodec(loadFileCatalog());

before(async () => {
  // Rate limits have their own tests; here they would only slow the bursts down.
  platform = await startPlatform({ gateways: 2, env: { GATEWAY_RATE_PER_SECOND: '100000', GATEWAY_RATE_BURST: '100000', GATEWAY_USER_RATE_PER_SECOND: '100000', GATEWAY_USER_RATE_BURST: '100000' } });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await platform?.stop();
});

async function connect(gateway: 0 | 1, userId: string): Promise<TestClient> {
  const client = await TestClient.connect(platform.gatewayUrls[gateway]!, userId);
  clients.push(client);
  return client;
}

/**
 * Syncs until the conversation has caught up to `target`: the persister may still be projecting
 * the newest events, and a client keeps syncing from its latest cursor until it has them.
 */
async function syncUntil(client: TestClient, conversationId: string, cursor: number, target: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = cursor;
  while (last < target) {
    if (Date.now() > deadline) throw new Error(`${client.userId} synced only up to ${last} of ${target}`);
    await client.ok({ type: 'sync', cursors: { [conversationId]: last } });
    const got = client.eventsIn(conversationId);
    last = got.length > 0 ? Math.max(last, got[got.length - 1]!.seq ?? 0) : last;
    if (last < target) await new Promise((r) => setTimeout(r, 50));
  }
}

const seqs = (events: ClientEvent[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Reads a conversation's committed events back from the events topic. */
async function committedEvents(conversationId: string, atLeast: number): Promise<Event[]> {
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'test-reader' });
  const consumer = kafka.consumer({ groupId: randomName('read-'), maxWaitTimeInMs: 50, readUncommitted: false });
  const found: Event[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: topicNames(platform.namespace).events, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          const event = decodeEvent(codec, message.value!);
          if (event.conversationId === conversationId) found.push(event);
          if (found.length >= atLeast) resolve();
        },
      });
    });
    await Promise.race([done, new Promise((r) => setTimeout(r, 20_000))]);
  } finally {
    await consumer.disconnect();
  }
  return found;
}

async function messagesInPostgres(conversationId: string, expected: number): Promise<{ seq: number; body: string | null; deleted: boolean; edits: number }[]> {
  const db = new Client({ connectionString: platform.databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await db.query(
        'SELECT seq::int AS seq, body, deleted_at IS NOT NULL AS deleted, edit_count AS edits FROM persister_messages WHERE conversation_id = $1 ORDER BY seq',
        [conversationId],
      );
      if (rows.length >= expected || Date.now() > deadline) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
  }
}

test('1:1 across two gateways: in order both ways, each ack carries the seq of a committed event', async () => {
  const alice = await connect(0, randomName('alice-'));
  const bob = await connect(1, randomName('bob-'));
  const conversationId = directConversationId(alice.userId, bob.userId);
  const acks: number[] = [];
  for (let i = 0; i < 10; i++) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
    const result = await from.ok({ type: 'send', to: to.userId, clientMsgId: `m${i}`, body: `hello ${i}` });
    assert.equal(result.conversationId, conversationId);
    acks.push(result.seq as number);
  }
  assert.deepEqual(acks, range(1, 10));
  const committed = await committedEvents(conversationId, 10);
  assert.deepEqual(committed.map((e) => e.seq), range(1, 10), 'every acknowledged seq is a committed event');

  const toBob = await bob.waitForEvents(conversationId, 5, 'message');
  const toAlice = await alice.waitForEvents(conversationId, 5, 'message');
  assert.deepEqual(seqs(toBob), [1, 3, 5, 7, 9]);
  assert.deepEqual(seqs(toAlice), [2, 4, 6, 8, 10]);
  assert.deepEqual(toBob.map((e) => e.body), ['hello 0', 'hello 2', 'hello 4', 'hello 6', 'hello 8']);
});

test('every hop of a message is timed from the stamps it carries: the gateways and the router count each one in hop_ms', async () => {
  const alice = await connect(0, randomName('alice-'));
  const bob = await connect(1, randomName('bob-'));
  const conversationId = directConversationId(alice.userId, bob.userId);
  for (let i = 0; i < 5; i++) await alice.ok({ type: 'send', to: bob.userId, clientMsgId: `h${i}`, body: `timed ${i}` });
  await bob.waitForEvents(conversationId, 5, 'message');
  const counts = new Map<string, number>();
  for (const name of ['gateway1', 'gateway2', 'router']) {
    const text = await (await fetch(`http://127.0.0.1:${platform.services.get(name)!.httpPort}/metrics`)).text();
    for (const match of text.matchAll(/^switchboard_hop_ms_count\{hop="([a-z_]+)"\} (\d+)$/gm)) {
      counts.set(`${name}:${match[1]}`, Number(match[2]));
    }
  }
  const expected = ['gateway1:command_publish', 'router:command_to_router', 'router:router_decide', 'router:router_commit', 'gateway2:delivery_fetch', 'gateway2:gateway_push', 'gateway2:platform_total'];
  for (const hop of expected) assert.ok((counts.get(hop) ?? 0) >= 5, `${hop} counted the 5 messages: ${JSON.stringify([...counts])}`);
});

test('a group of five across both gateways, one member on two devices: one order for all; joins and removals in the log', async () => {
  const names = ['ann', 'ben', 'cat', 'dan', 'eve'].map((n) => randomName(`${n}-`));
  const members = await Promise.all(names.map((n, i) => connect((i % 2) as 0 | 1, n)));
  const secondDevice = await connect(1, names[0]!);
  const created = await members[0]!.ok({ type: 'group.create', name: 'five', members: names.slice(1) });
  const groupId = created.conversationId as string;
  assert.equal(created.seq, 1);

  const sentBy = new Map<number, TestClient>();
  for (let i = 0; i < 20; i++) {
    const sender = members[i % 5]!;
    const ack = await sender.ok({ type: 'send', conversationId: groupId, clientMsgId: `g${i}`, body: `g${i}` });
    sentBy.set(ack.seq as number, sender);
  }
  assert.deepEqual([...sentBy.keys()], range(2, 21));
  // A session gets every message as an event except its own sends, which it gets as acks.
  for (const session of [...members, secondDevice]) {
    const expected = range(2, 21).filter((seq) => sentBy.get(seq) !== session);
    const received = await session.waitForEvents(groupId, expected.length, 'message');
    assert.deepEqual(seqs(received), expected, `${session.userId} sees one order`);
  }
  assert.equal(secondDevice.eventsIn(groupId, 'message').length, 20, 'a second device sees its twin\'s sends too');

  const late = await connect(0, randomName('fay-'));
  const added = await members[1]!.ok({ type: 'group.add', conversationId: groupId, userId: late.userId });
  assert.equal(added.seq, 22);
  await members[2]!.ok({ type: 'send', conversationId: groupId, clientMsgId: 'after-join', body: 'welcome' });
  const lateEvents = await late.waitForEvents(groupId, 2);
  assert.deepEqual(seqs(lateEvents), [22, 23], 'a member added later reads from their join sequence');

  const replay = await connect(1, late.userId);
  await syncUntil(replay, groupId, 0, 23);
  assert.deepEqual(seqs(replay.eventsIn(groupId)), [22, 23], 'replay also starts at the join sequence');

  const removed = members[4]!;
  const removal = await members[0]!.ok({ type: 'group.remove', conversationId: groupId, userId: removed.userId });
  assert.equal(removal.seq, 24);
  await removed.waitFor((f) => f.type === 'event' && (f.event as ClientEvent).kind === 'member_removed');
  await members[0]!.ok({ type: 'send', conversationId: groupId, clientMsgId: 'after-remove', body: 'bye' });
  await members[1]!.waitFor((f) => f.type === 'event' && (f.event as ClientEvent).body === 'bye');
  const refused = await removed.request({ type: 'send', conversationId: groupId, clientMsgId: 'x', body: 'let me in' });
  assert.equal(refused.type, 'error');
  assert.equal(refused.code, 'not_member');
  assert.ok(!removed.eventsIn(groupId, 'message').some((e) => e.body === 'bye'), 'a removed member stops receiving');
});

test('a send retried with the same client id makes one message and gets the same ack', async () => {
  const alice = await connect(0, randomName('alice-'));
  const bob = await connect(1, randomName('bob-'));
  const first = await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'retry-me', body: 'once' });
  const again = await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'retry-me', body: 'once' });
  const fromOtherGateway = await (await connect(1, alice.userId)).ok({ type: 'send', to: bob.userId, clientMsgId: 'retry-me', body: 'once' });
  assert.deepEqual(again, first);
  assert.deepEqual(fromOtherGateway, first);
  await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'next', body: 'twice?' });
  const rows = await messagesInPostgres(first.conversationId as string, 2);
  assert.deepEqual(rows.map((r) => r.seq), [1, 2]);
});

test('500 messages sent while a client is away arrive exactly once, in order, after it reconnects elsewhere', async () => {
  const sender = await connect(0, randomName('s-'));
  let receiver = await connect(0, randomName('r-'));
  const conversationId = directConversationId(sender.userId, receiver.userId);
  await sender.ok({ type: 'send', to: receiver.userId, clientMsgId: 'hello', body: 'hello' });
  await receiver.waitForEvents(conversationId, 1);
  await receiver.close();

  const pending = [];
  for (let i = 0; i < 500; i++) pending.push(sender.ok({ type: 'send', to: receiver.userId, clientMsgId: `away-${i}`, body: `away ${i}` }));
  const acks = await Promise.all(pending);
  assert.deepEqual(acks.map((a) => a.seq).sort((a, b) => (a as number) - (b as number)), range(2, 501));

  receiver = await connect(1, receiver.userId);
  await syncUntil(receiver, conversationId, 1, 501);
  const received = receiver.eventsIn(conversationId, 'message');
  assert.deepEqual(seqs(received), range(2, 501));
});

test('a receiver reconnecting 20 times under a continuous sender ends gap-free and duplicate-free', async () => {
  const sender = await connect(0, randomName('s-'));
  const receiverId = randomName('r-');
  const conversationId = directConversationId(sender.userId, receiverId);
  let sending = true;
  let sent = 0;
  const sendLoop = (async () => {
    while (sending) {
      await sender.ok({ type: 'send', to: receiverId, clientMsgId: `c${sent}`, body: `c${sent}` });
      sent += 1;
    }
  })();

  const seen: number[] = [];
  let cursor = 0;
  for (let round = 0; round < 20; round++) {
    const client = await connect((round % 2) as 0 | 1, receiverId);
    await client.ok({ type: 'sync', cursors: { [conversationId]: cursor } });
    await new Promise((r) => setTimeout(r, 50 + (round % 5) * 20));
    client.terminate();
    await client.closed;
    for (const e of client.eventsIn(conversationId, 'message')) seen.push(e.seq!);
    cursor = seen.length > 0 ? seen[seen.length - 1]! : 0;
  }
  sending = false;
  await sendLoop;
  const last = await connect(1, receiverId);
  await syncUntil(last, conversationId, cursor, sent);
  for (const e of last.eventsIn(conversationId, 'message')) seen.push(e.seq!);
  assert.ok(sent > 20, `the sender kept sending (${sent})`);
  assert.deepEqual(seen, range(1, sent), 'every message once, in order');
});

test('Postgres holds exactly the acknowledged messages, with sequences 1..n', async () => {
  const alice = await connect(0, randomName('alice-'));
  const bob = await connect(1, randomName('bob-'));
  const acked: number[] = [];
  for (let i = 0; i < 30; i++) acked.push((await alice.ok({ type: 'send', to: bob.userId, clientMsgId: `p${i}`, body: `p${i}` })).seq as number);
  const rows = await messagesInPostgres(directConversationId(alice.userId, bob.userId), 30);
  assert.deepEqual(rows.map((r) => r.seq), acked);
  assert.deepEqual(acked, range(1, 30));
  assert.deepEqual(rows.map((r) => r.body), range(0, 29).map((i) => `p${i}`));
});

test('edits, deletes and read cursors reach the other side and Postgres; typing and signals are live only', async () => {
  const alice = await connect(0, randomName('alice-'));
  const bob = await connect(1, randomName('bob-'));
  const conversationId = directConversationId(alice.userId, bob.userId);
  await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'e1', body: 'tpyo' });
  await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'e2', body: 'regret' });
  const edit = await alice.ok({ type: 'edit', conversationId, seq: 1, body: 'typo' });
  const del = await alice.ok({ type: 'delete', conversationId, seq: 2 });
  assert.deepEqual([edit.seq, del.seq], [3, 4]);
  await bob.ok({ type: 'read', conversationId, seq: 4 });

  const edited = (await bob.waitForEvents(conversationId, 1, 'message_edited'))[0]!;
  assert.equal(edited.targetSeq, 1);
  assert.equal(edited.body, 'typo');
  assert.equal((await bob.waitForEvents(conversationId, 1, 'message_deleted'))[0]!.targetSeq, 2);
  const receipt = (await alice.waitForEvents(conversationId, 1, 'read'))[0]!;
  assert.deepEqual([receipt.userId, receipt.upToSeq], [bob.userId, 4]);

  await alice.ok({ type: 'typing', conversationId, active: true });
  const typing = await bob.waitFor((f) => f.type === 'typing');
  assert.deepEqual([typing.conversationId, typing.userId, typing.active], [conversationId, alice.userId, true]);
  await alice.ok({ type: 'signal', to: bob.userId, kind: 'offer', payload: 'v=0 sdp' });
  const signal = await bob.waitFor((f) => f.type === 'signal');
  assert.deepEqual([signal.from, signal.kind, signal.payload], [alice.userId, 'offer', 'v=0 sdp']);

  const rows = await messagesInPostgres(conversationId, 2);
  assert.deepEqual(rows, [
    { seq: 1, body: 'typo', deleted: false, edits: 1 },
    { seq: 2, body: null, deleted: true, edits: 0 },
  ]);
  const db = new Client({ connectionString: platform.databaseUrl });
  await db.connect();
  try {
    const cursors = await db.query('SELECT read_seq::int AS read FROM persister_read_cursors WHERE conversation_id = $1 AND user_id = $2', [conversationId, bob.userId]);
    assert.equal(cursors.rows[0]?.read, 4);
    const timeline = await db.query('SELECT kind FROM persister_events WHERE conversation_id = $1 ORDER BY seq', [conversationId]);
    assert.equal(timeline.rows.length, 4, 'typing and signals are not persisted');
  } finally {
    await db.end();
  }
});
