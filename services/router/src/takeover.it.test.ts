import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createKafka, createPartitionReader, deleteNamespaceTopics, ensureTopics, groupId, partitionFor, topicNames, topicSpec, type PartitionReader } from '@switchboard/kafka';
import { createPresence } from '@switchboard/presence';
import { directConversationId } from '@switchboard/protocol';
import { createCodec, decodeEvent, encodeCommand, loadFileCatalog, type Command, type Event } from '@switchboard/schemas';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { applyEvent, type ConversationState } from './internal/conversationState';
import { decide } from './internal/decide';
import { createRouter, type Router } from './index';
import { restorePartition } from './storage/restorePartition';

/*
 * Against the real Kafka: a router writes its snapshots with its events; the state restored from
 * those snapshots plus the tail equals the fold of every event, and a second router restored that
 * way decides the next commands (retries among them) exactly as the fold predicts.
 */

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CAPACITY = 40;
const namespace = `takeover-it-${randomBytes(4).toString('hex')}`;
const topics = topicNames(namespace);
// Quiet: the routers' transactional producers log every CONCURRENT_TRANSACTIONS answer they retry.
const kafka = createKafka({ brokers: BROKERS, clientId: 'takeover-it', log: () => undefined });
const codec = createCodec(loadFileCatalog());
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
const admin = kafka.admin();
const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: false });
const routers: Router[] = [];
const readers: PartitionReader[] = [];

after(async () => {
  for (const router of routers) await router.stop().catch(() => undefined);
  for (const reader of readers) await reader.stop().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await deleteNamespaceTopics(admin, namespace).catch(() => undefined);
  await admin.disconnect();
  redis.disconnect();
});

function newRouter(): Router {
  const router = createRouter({
    kafka,
    codec,
    presence: createPresence({ redis, namespace }),
    namespace,
    logger: createLogger('router', 'warn'),
    metrics: createMetrics(),
    maxGroupSize: 5,
    recentCapacity: CAPACITY,
    fetchWaitMs: 100,
    partitionsPerTransaction: 12,
    sessionTimeoutMs: 6_000,
    snapshots: { enabled: true, lagEvents: 10 },
  });
  routers.push(router);
  return router;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let ids = 0;
const users = ['ann', 'bob', 'cat', 'dan', 'eve'].map((u) => `${u}-${namespace}`);
const groups = [1, 2, 3].map((g) => `grp.${namespace.slice(-8)}${String(g).padStart(24, '0')}`);

/** A deterministic mix of sends (some retried), edits, deletes, receipts and membership changes. */
function commands(count: number, seed: number): Command[] {
  const out: Command[] = [];
  let r = seed;
  const next = () => (r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  for (const [i, group] of groups.entries()) out.push(command(users[i]!, group, { type: 'CreateGroup', name: `g${i}`, members: users.slice(i, i + 3) }));
  for (let i = 0; i < count; i++) {
    const actor = pick(users);
    const other = pick(users.filter((u) => u !== actor));
    const direct = next() < 0.5;
    const conversationId = direct ? directConversationId(actor, other) : pick(groups);
    const k = next();
    const body: Command['body'] =
      k < 0.6
        ? { type: 'SendMessage', clientMsgId: `c${Math.floor(next() * 30)}`, recipientId: direct ? other : null, body: `m${i}`, contentType: 'text/plain' }
        : k < 0.7
          ? { type: 'DeleteMessage', seq: 1 + Math.floor(next() * 20) }
          : k < 0.8
            ? { type: 'EditMessage', seq: 1 + Math.floor(next() * 20), body: `e${i}` }
            : k < 0.87
              ? { type: 'MarkRead', seq: 1 }
              : k < 0.94
                ? { type: 'AddMember', userId: pick(users) }
                : { type: 'RemoveMember', userId: pick(users) };
    out.push(command(actor, conversationId, body));
  }
  return out;
}

function command(userId: string, conversationId: string, body: Command['body']): Command {
  ids += 1;
  return { commandId: `${namespace}-${ids}`, issuedAt: Date.now(), conversationId, origin: { gatewayId: `${namespace}-gw`, sessionId: 's', userId, requestId: `r${ids}` }, traceparent: null, body };
}

async function publish(list: readonly Command[]): Promise<void> {
  const partitions = topicSpec('commands').partitions;
  // In small steps, so that the router commits many transactions (snapshots ride on them).
  for (let i = 0; i < list.length; i += 10) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await producer.send({
      topic: topics.commands,
      acks: -1,
      messages: list.slice(i, i + 10).map((c) => ({ key: c.conversationId, value: encodeCommand(codec, c), partition: partitionFor(c.conversationId, partitions) })),
    });
  }
}

/** Every command published so far is committed by the router group. */
async function allCommitted(): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topics.commands);
  const [committed] = await admin.fetchOffsets({ groupId: groupId(namespace, 'router', 'commands'), topics: [topics.commands] });
  return ends.every((end) => Number(end.high) === 0 || Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1) === Number(end.high));
}

async function reader(topic: string): Promise<PartitionReader> {
  const r = createPartitionReader({ kafka, topic, groupPrefix: `${namespace}.it-reader` });
  readers.push(r);
  await r.start();
  return r;
}

async function restoreAll(snapshots: boolean): Promise<{ states: Map<string, ConversationState>; used: number; tailEvents: number; reasons: string[] }> {
  const eventsReader = await reader(topics.events);
  const snapshotsReader = snapshots ? await reader(topics.snapshots) : undefined;
  const clusterId = (await admin.describeCluster()).clusterId;
  const events = await admin.fetchTopicOffsets(topics.events);
  const snaps = await admin.fetchTopicOffsets(topics.snapshots);
  const states = new Map<string, ConversationState>();
  let used = 0;
  let tailEvents = 0;
  const reasons: string[] = [];
  for (const { partition, low, high } of events) {
    const snapRange = snaps.find((s) => s.partition === partition)!;
    const restored = await restorePartition(
      { codec, eventsReader, eventsTopic: topics.events, clusterId, recentCapacity: CAPACITY, ...(snapshotsReader ? { snapshotsReader } : {}) },
      partition,
      { events: { low: Number(low), high: Number(high) }, ...(snapshotsReader ? { snapshots: { low: Number(snapRange.low), high: Number(snapRange.high) } } : {}) },
    );
    if (restored.fullFoldReason === undefined) used += 1;
    else reasons.push(`${partition}: ${restored.fullFoldReason}`);
    tailEvents += restored.events;
    for (const [id, state] of restored.states) states.set(id, state);
  }
  return { states, used, tailEvents, reasons };
}

function describe(state: ConversationState) {
  return { kind: state.kind, name: state.name, createdBy: state.createdBy, lastSeq: state.lastSeq, members: [...state.members], recent: state.recent.newerThan(0).map((r) => ({ ...r })) };
}

async function eventsAfter(offsets: Map<number, number>): Promise<Event[]> {
  const r = await reader(topics.events);
  const ends = await admin.fetchTopicOffsets(topics.events);
  const found: Event[] = [];
  for (const { partition, high } of ends) {
    await r.read({ partition, from: offsets.get(partition) ?? 0, to: Number(high) }, (m) => {
      if (m.value) found.push(decodeEvent(codec, m.value));
    });
  }
  return found;
}

test('a router restored from real snapshots plus the tail holds the full fold, says it is rebuilding until it is, and decides as the fold predicts', { timeout: 180_000 }, async () => {
  await admin.connect();
  await ensureTopics(admin, namespace);
  await producer.connect();

  const first = newRouter();
  assert.deepEqual(first.readiness(), { ready: false, reason: 'joining the consumer group' });
  await first.start();
  await until('the first router is ready', 60_000, () => first.readiness().ready);
  await publish(commands(600, 7));
  await until('the first router committed every command', 60_000, allCommitted);
  await first.stop();

  const [fromSnapshots, folded] = [await restoreAll(true), await restoreAll(false)];
  assert.ok(fromSnapshots.used >= 1, `snapshots were used for ${fromSnapshots.used} partitions (${fromSnapshots.reasons.join('; ')})`);
  assert.ok(fromSnapshots.tailEvents < folded.tailEvents, `the tail (${fromSnapshots.tailEvents} events) is shorter than the log (${folded.tailEvents})`);
  assert.deepEqual([...fromSnapshots.states.keys()].sort(), [...folded.states.keys()].sort());
  for (const [id, state] of folded.states) assert.deepEqual(describe(fromSnapshots.states.get(id)!), describe(state), id);

  // The next commands, retries among them, decided by a second router restored from the snapshots.
  const next = commands(200, 11);
  const expected: string[] = [];
  const predicted = folded.states;
  for (const c of next) {
    const decision = decide(predicted.get(c.conversationId), c, { now: Date.now(), newMessageId: () => 'x', maxGroupSize: 5 });
    if (decision.outcome !== 'events') continue;
    for (const e of decision.events) {
      predicted.set(e.conversationId, applyEvent(predicted.get(e.conversationId), e, CAPACITY));
      expected.push(`${e.conversationId} ${e.seq} ${e.body.type} ${e.actorId} ${e.body.type === 'MessageSent' ? e.body.clientMsgId : ''}`);
    }
  }
  const before = new Map((await admin.fetchTopicOffsets(topics.events)).map((o) => [o.partition, Number(o.high)] as const));
  const second = newRouter();
  const reasons = new Set<string>();
  const watch = setInterval(() => reasons.add(second.readiness().reason ?? 'ready'), 5);
  await second.start();
  await until('the second router is ready', 60_000, () => second.readiness().ready);
  clearInterval(watch);
  reasons.add(second.readiness().reason ?? 'ready');
  assert.ok([...reasons].some((r) => /^rebuilding the conversation state of partitions /.test(r)), `readiness said it was rebuilding: ${[...reasons].join(' | ')}`);
  await publish(next);
  await until('the second router committed every command', 60_000, allCommitted);
  const written = (await eventsAfter(before)).map((e) => `${e.conversationId} ${e.seq} ${e.body.type} ${e.actorId} ${e.body.type === 'MessageSent' ? e.body.clientMsgId : ''}`);
  assert.deepEqual(written.sort(), expected.sort(), 'the restored router wrote exactly the events the full fold predicts');
  assert.ok(expected.length > 20);
});
