import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaMessage } from 'kafkajs';
import type { PartitionRange, PartitionReader } from '@switchboard/kafka';
import { directConversationId } from '@switchboard/protocol';
import { createCodec, decodeRouterSnapshot, encodeEvent, encodeRouterSnapshot, loadFileCatalog, type Command, type Event } from '@switchboard/schemas';
import { applyEvent, type ConversationState } from '../internal/conversationState';
import { decide, type Decision } from '../internal/decide';
import { SnapshotBook } from '../internal/snapshotBook';
import { restorePartition, ForeignCheckpointError, type RestoreDeps } from './restorePartition';

/*
 * A router restored from snapshots plus the tail decides exactly as one that folded the whole
 * log. Generated command sequences are decided and written as the router writes them (events and
 * snapshots in one transaction per round, snapshots planned by the SnapshotBook); after every few
 * rounds the owner is replaced by one restored from the logs so far, which then goes on writing.
 * At each takeover the restored state must equal the full fold, and both must decide the next
 * commands identically.
 */

const codec = createCodec(loadFileCatalog());
const CLUSTER = 'test-cluster';
const TOPIC = 'test.events.v1';
const PARTITION = 0;
const NOW = 1_700_000_000_000;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An in-memory partition: what a PartitionReader reads between two offsets (nulls are commit markers). */
class Log {
  readonly records: ({ key: string; value: Buffer | null } | null)[] = [];
  append(key: string, value: Buffer | null): number {
    this.records.push({ key, value });
    return this.records.length - 1;
  }
  marker(): void {
    this.records.push(null);
  }
  reader(): PartitionReader {
    return {
      start: async () => undefined,
      stop: async () => undefined,
      read: async (range: PartitionRange, onMessage: (message: KafkaMessage) => void) => {
        for (let offset = range.from; offset < range.to; offset++) {
          const record = this.records[offset];
          if (!record) continue;
          onMessage({ key: Buffer.from(record.key), value: record.value, offset: String(offset) } as KafkaMessage);
        }
      },
    };
  }
  /** What compaction may leave: only the latest record of each key (tombstones included). */
  compacted(): Log {
    const latest = new Map<string, number>();
    this.records.forEach((r, i) => r && latest.set(r.key, i));
    const copy = new Log();
    this.records.forEach((r, i) => copy.records.push(r && latest.get(r.key) === i ? r : null));
    return copy;
  }
}

interface World {
  rand: () => number;
  users: string[];
  groups: string[];
  clientIds: string[];
  ids: number;
  maxGroupSize: number;
}

function randomCommand(w: World, states: ReadonlyMap<string, ConversationState>): Command {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(w.rand() * xs.length)]!;
  const actor = pick(w.users);
  const other = pick(w.users.filter((u) => u !== actor));
  const group = pick(w.groups);
  const direct = directConversationId(actor, other);
  const conversationId = w.rand() < 0.5 ? direct : group;
  const state = states.get(conversationId);
  const someSeq = () => Math.max(1, Math.floor(w.rand() * ((state?.lastSeq ?? 1) + 2)));
  const r = w.rand();
  let body: Command['body'];
  if (conversationId === group && !state) body = { type: 'CreateGroup', name: `g${w.ids}`, members: w.users.filter(() => w.rand() < 0.5) };
  else if (r < 0.45) body = { type: 'SendMessage', clientMsgId: pick(w.clientIds), recipientId: conversationId === direct ? other : null, body: `b${w.ids}`, contentType: 'text/plain' };
  else if (r < 0.55) body = { type: 'EditMessage', seq: someSeq(), body: `e${w.ids}` };
  else if (r < 0.65) body = { type: 'DeleteMessage', seq: someSeq() };
  else if (r < 0.72) body = { type: 'MarkRead', seq: someSeq() };
  else if (r < 0.77) body = { type: 'AckDelivery', seq: someSeq() };
  else if (r < 0.86) body = { type: 'AddMember', userId: pick(w.users) };
  else if (r < 0.94) body = { type: 'RemoveMember', userId: pick(w.users) };
  else if (r < 0.97) body = { type: 'CreateGroup', name: 'again', members: [] };
  else body = { type: 'Typing', active: true };
  w.ids += 1;
  return { commandId: `c${w.ids}`, issuedAt: NOW, conversationId, origin: { gatewayId: 'gw', sessionId: `s-${actor}`, userId: actor, requestId: `r${w.ids}` }, traceparent: null, body };
}

/** One router's view: states, the book, and the logs it writes to. */
interface Owner {
  states: Map<string, ConversationState>;
  book: SnapshotBook;
}

function newBook(lagEvents: number, budgetBytes: number): SnapshotBook {
  return new SnapshotBook({ lagEvents, budgetBytes, clusterId: CLUSTER, eventsTopic: TOPIC, encode: (v) => encodeRouterSnapshot(codec, v), now: () => NOW });
}

async function newOwner(events: Log, snapshots: Log, lagEvents: number, budgetBytes: number, capacity: number): Promise<Owner> {
  const book = newBook(lagEvents, budgetBytes);
  return { states: (await restore(events, snapshots, capacity, book)).states, book };
}

function deps(events: Log, snapshots: Log | undefined, capacity: number): RestoreDeps {
  return { codec, eventsReader: events.reader(), eventsTopic: TOPIC, clusterId: CLUSTER, recentCapacity: capacity, ...(snapshots ? { snapshotsReader: snapshots.reader() } : {}) };
}

async function restore(events: Log, snapshots: Log | undefined, capacity: number, book?: SnapshotBook) {
  return restorePartition(
    deps(events, snapshots, capacity),
    PARTITION,
    { events: { low: 0, high: events.records.length }, ...(snapshots ? { snapshots: { low: 0, high: snapshots.records.length } } : {}) },
    book,
  );
}

/** Decides a round of commands, then writes its events and snapshots as one transaction would. */
function round(w: World, owner: Owner, events: Log, snapshots: Log, commands: number, capacity: number): void {
  const written: Event[] = [];
  for (let i = 0; i < commands; i++) {
    const command = randomCommand(w, owner.states);
    const decision = decide(owner.states.get(command.conversationId), command, { now: NOW, newMessageId: () => `m${w.ids}`, maxGroupSize: w.maxGroupSize });
    if (decision.outcome !== 'events') continue;
    let state = owner.states.get(command.conversationId);
    for (const event of decision.events) {
      state = applyEvent(state, event, capacity);
      written.push(event);
    }
    owner.states.set(command.conversationId, state!);
  }
  for (const event of written) owner.book.noteEvent(PARTITION, event);
  const flush = owner.book.plan(owner.states);
  for (const event of written) {
    const offset = events.append(event.conversationId, encodeEvent(codec, event));
    owner.book.eventsWritten(PARTITION, offset + 1);
  }
  for (const m of flush?.messages ?? []) snapshots.append(m.key, m.value);
  events.marker();
  snapshots.marker();
  flush?.apply();
}

function describe(state: ConversationState | undefined, clientIds: readonly string[], users: readonly string[]) {
  if (!state) return undefined;
  const byClientId: Record<string, unknown> = {};
  for (const u of users) for (const c of clientIds) byClientId[`${u}/${c}`] = state.recent.byClientMessageId(u, c)?.seq;
  return {
    kind: state.kind,
    name: state.name,
    createdBy: state.createdBy,
    lastSeq: state.lastSeq,
    members: [...state.members],
    recent: state.recent.newerThan(0).map((r) => ({ ...r })),
    byClientId,
  };
}

function assertSameStates(restored: ReadonlyMap<string, ConversationState>, folded: ReadonlyMap<string, ConversationState>, w: World, label: string): void {
  assert.deepEqual([...restored.keys()].sort(), [...folded.keys()].sort(), `${label}: the same conversations`);
  for (const [id, state] of folded) assert.deepEqual(describe(restored.get(id), w.clientIds, w.users), describe(state, w.clientIds, w.users), `${label}: ${id}`);
}

/** Both decide the same commands alike (on copies, so that the owners go on unchanged). */
async function assertSameDecisions(events: Log, snapshots: Log, w: World, capacity: number, label: string): Promise<void> {
  const a = (await restore(events, snapshots, capacity)).states;
  const b = (await restore(events, undefined, capacity)).states;
  const probe: World = { ...w, rand: random(w.ids) };
  for (let i = 0; i < 60; i++) {
    const command = randomCommand(probe, b);
    const ctx = { now: NOW, newMessageId: () => `probe${i}`, maxGroupSize: w.maxGroupSize };
    const da: Decision = decide(a.get(command.conversationId), command, ctx);
    const db: Decision = decide(b.get(command.conversationId), command, ctx);
    assert.deepEqual(da, db, `${label}: decision ${i} on ${command.conversationId} (${command.body.type})`);
    if (db.outcome === 'events') {
      for (const event of db.events) {
        a.set(event.conversationId, applyEvent(a.get(event.conversationId), event, capacity));
        b.set(event.conversationId, applyEvent(b.get(event.conversationId), event, capacity));
      }
    }
  }
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  test(`seed ${seed}: owners restored from snapshots plus the tail hold and decide exactly what a full fold gives`, async () => {
    const rand = random(seed);
    const capacity = 3 + Math.floor(rand() * 6);
    const lagEvents = 1 + Math.floor(rand() * 12);
    const budgetBytes = rand() < 0.5 ? 1 : 1 << 20;
    const w: World = {
      rand,
      users: ['ann', 'bob', 'cat', 'dan'],
      groups: ['grp.00000000000000000000000000000001', 'grp.00000000000000000000000000000002'],
      clientIds: ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'],
      ids: 0,
      maxGroupSize: 3,
    };
    const events = new Log();
    let snapshots = new Log();
    let owner = await newOwner(events, snapshots, lagEvents, budgetBytes, capacity);
    let snapshotsUsed = 0;
    for (let takeover = 1; takeover <= 12; takeover++) {
      const rounds = 1 + Math.floor(rand() * 6);
      for (let r = 0; r < rounds; r++) round(w, owner, events, snapshots, 1 + Math.floor(rand() * 8), capacity);
      // Compaction may have run or not: both must restore the same.
      if (rand() < 0.4) snapshots = snapshots.compacted();
      const book = newBook(lagEvents, budgetBytes);
      const restored = await restore(events, snapshots, capacity, book);
      const folded = await restore(events, undefined, capacity);
      if (restored.fullFoldReason === undefined) snapshotsUsed += 1;
      assertSameStates(restored.states, folded.states, w, `seed ${seed} takeover ${takeover}`);
      assertSameStates(owner.states, folded.states, w, `seed ${seed} takeover ${takeover}, the previous owner`);
      await assertSameDecisions(events, snapshots, w, capacity, `seed ${seed} takeover ${takeover}`);
      owner = { states: restored.states, book };
    }
    assert.ok(snapshotsUsed >= 6, `snapshots were used in most takeovers (${snapshotsUsed} of 12)`);
  });
}

test('the tail after a checkpoint is all a new owner folds', async () => {
  const events = new Log();
  const snapshots = new Log();
  const w: World = { rand: random(99), users: ['ann', 'bob'], groups: ['grp.00000000000000000000000000000003'], clientIds: ['k1'], ids: 0, maxGroupSize: 10 };
  const owner = await newOwner(events, snapshots, 50, 1 << 20, 10_000);
  for (let r = 0; r < 100; r++) round(w, owner, events, snapshots, 10, 10_000);
  const restored = await restore(events, snapshots, 10_000);
  assert.equal(restored.fullFoldReason, undefined);
  assert.ok(restored.foldedFrom > events.records.length - 100, `folded from ${restored.foldedFrom} of ${events.records.length}`);
  assert.ok(restored.events < 100, `${restored.events} events folded`);
});

test('a router that keeps more recent messages than the snapshots hold folds the partition from the start', async () => {
  const events = new Log();
  const snapshots = new Log();
  const w: World = { rand: random(7), users: ['ann', 'bob'], groups: ['grp.00000000000000000000000000000004'], clientIds: ['k1', 'k2'], ids: 0, maxGroupSize: 10 };
  const owner = await newOwner(events, snapshots, 5, 1 << 20, 100);
  for (let r = 0; r < 20; r++) round(w, owner, events, snapshots, 5, 100);
  const restored = await restore(events, snapshots, 200);
  assert.match(restored.fullFoldReason ?? '', /kept 100 recent messages; this one keeps 200/);
  assert.equal(restored.foldedFrom, 0);
});

test('a checkpoint of another cluster, topic or beyond the end of the events is refused', async () => {
  const events = new Log();
  events.append('x', null);
  for (const [change, pattern] of [
    [{ clusterId: 'other' }, /another Kafka cluster/],
    [{ eventsTopic: 'elsewhere' }, /another topic/],
    [{ eventsOffset: 5 }, /beyond the end of the events/],
  ] as const) {
    const snapshots = new Log();
    const checkpoint = Object.assign({ type: 'SnapshotCheckpoint' as const, clusterId: CLUSTER, eventsTopic: TOPIC, partition: PARTITION, eventsOffset: 0, writtenAt: NOW }, change);
    snapshots.append('c:0', encodeRouterSnapshot(codec, { body: checkpoint }));
    await assert.rejects(restore(events, snapshots, 10), (err: unknown) => err instanceof ForeignCheckpointError && pattern.test(err.message));
  }
});

test('a snapshot record that cannot be decoded makes the partition fold from the start, named in the reason', async () => {
  const events = new Log();
  const snapshots = new Log();
  const w: World = { rand: random(3), users: ['ann', 'bob'], groups: ['grp.00000000000000000000000000000005'], clientIds: ['k1'], ids: 0, maxGroupSize: 10 };
  const owner = await newOwner(events, snapshots, 3, 1 << 20, 100);
  for (let r = 0; r < 10; r++) round(w, owner, events, snapshots, 5, 100);
  const head = snapshots.records.findIndex((r) => r?.key.startsWith('h:'));
  assert.ok(head >= 0 && decodeRouterSnapshot(codec, snapshots.records[head]!.value!).body.type === 'ConversationHead');
  snapshots.append(snapshots.records[head]!.key, Buffer.from([0, 0, 0, 0, 5, 99]));
  const restored = await restore(events, snapshots, 100);
  assert.match(restored.fullFoldReason ?? '', /cannot be decoded/);
  assertSameStates(restored.states, (await restore(events, undefined, 100)).states, w, 'after a bad record');
});
