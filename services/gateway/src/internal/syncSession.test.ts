import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientEvent } from '@switchboard/protocol';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { HistoryError, type EventPage, type HistoryClient, type SyncedConversation } from '../storage/historyClient';
import { createConversationFeed } from './conversationFeed';
import { createGatewayMetrics } from './gatewayMetrics';
import { createSession } from './session';
import { SYNC_ANSWER_EVENTS, SYNC_CONVERSATIONS_AT_ONCE, SYNC_PAGE_LIMIT, syncSession } from './syncSession';
import { createTokenBucket } from './tokenBucket';

const A = `grp.${'a'.repeat(32)}`;
const B = `dm.${'b'.repeat(32)}`;
const event = (conversationId: string, seq: number): ClientEvent => ({ conversationId, conversationKind: 'group', seq, kind: 'message', actorId: 'bob', at: 1 });

/** `reads`: whether the client reads what it is sent (it answers each ping once it read what came before). */
function setup(history: Partial<HistoryClient>, options: { reads?: () => boolean } = {}) {
  const frames: Record<string, unknown>[] = [];
  const pings: number[] = [];
  const reads = options.reads ?? (() => true);
  const full: HistoryClient = {
    eventsAfter: async () => ({ events: [], hasMore: false }),
    history: async () => ({ events: [], hasMore: false }),
    sync: async () => [],
    ...history,
  };
  const session = createSession({
    id: 's',
    userId: 'alice',
    socket: {
      send: (t) => (frames.push(JSON.parse(t) as Record<string, unknown>), 1),
      getBufferedAmount: () => 0,
      end: () => undefined,
      ping: () => {
        pings.push(frames.length);
        if (reads()) setImmediate(() => session.seen());
      },
      terminate: () => undefined,
    },
    maxBufferedBytes: 1_000_000,
    resumeGraceMs: 0,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger: createLogger('test', 'error', {}, () => undefined),
    createFeed: (s, conversationId) =>
      createConversationFeed({
        conversationId,
        userId: s.userId,
        fetchPage: (after): Promise<EventPage> => full.eventsAfter({ conversationId, userId: s.userId, after, limit: 1000 }),
        push: (e) => void s.send({ type: 'event', event: e }),
        ready: () => s.liveGate(),
        startPosition: () => s.resumePosition(conversationId),
        active: () => s.isOpen(),
        gapHoldMs: 1_000,
        onGapUnfilled: () => undefined,
        onError: () => undefined,
      }),
  });
  return { session, frames, pings, history: full };
}

const synced = (conversationId: string, lastSeq: number, events: ClientEvent[], hasMore = false): SyncedConversation => ({
  conversationId,
  kind: 'group',
  name: null,
  lastSeq,
  readCursors: {},
  events,
  hasMore,
});

test('sync pushes what the client missed after its cursors, pages on, then answers with the conversations', async () => {
  const h = setup({
    sync: async (q) => {
      assert.deepEqual(q, { userId: 'alice', cursors: { [A]: 1 }, limit: SYNC_PAGE_LIMIT, maxEvents: SYNC_ANSWER_EVENTS });
      return [synced(A, 3, [event(A, 2)], true), synced(B, 1, [event(B, 1)])];
    },
    eventsAfter: async (q) => ({ events: q.conversationId === A && q.after === 2 ? [event(A, 3)] : [], hasMore: false }),
  });
  h.session.begin('sync-1', 'query', null);
  await syncSession(h.session, { type: 'sync', id: 'sync-1', cursors: { [A]: 1 } }, h.history);
  const pushed = h.frames.filter((f) => f.type === 'event').map((f) => `${(f.event as ClientEvent).conversationId.slice(0, 3)}:${(f.event as ClientEvent).seq}`);
  assert.deepEqual(pushed.sort(), ['dm.:1', 'grp:2', 'grp:3']);
  const reply = h.frames.at(-1)!;
  assert.equal(reply.type, 'ok', 'the reply comes after every push');
  assert.deepEqual((reply.result as { conversations: unknown[] }).conversations, [
    { conversationId: A, kind: 'group', name: null, lastSeq: 3, readCursors: {} },
    { conversationId: B, kind: 'group', name: null, lastSeq: 1, readCursors: {} },
  ]);
  assert.equal(h.session.resumePosition(A), 1);
  assert.equal(h.session.resumePosition(B), 0);
});

test('a persister refusal fails the sync with its code; live events are still ordered against its cursors', async () => {
  const h = setup({
    sync: async () => {
      throw new HistoryError('unavailable', 'down');
    },
  });
  h.session.begin('sync-2', 'query', null);
  await syncSession(h.session, { type: 'sync', id: 'sync-2', cursors: {} }, h.history);
  assert.deepEqual(h.frames, [{ type: 'error', id: 'sync-2', code: 'unavailable', message: 'down', retriable: true }]);
  assert.equal(h.session.resumePosition(A), 0);
});

const groupId = (i: number) => `grp.${i.toString(16).padStart(32, '0')}`;

test('conversations the answer left without events are paged from their cursors, a few at a time, each in order', async () => {
  const conversations = Array.from({ length: 10 }, (_, i) => groupId(i + 1));
  const perConversation = 25;
  let inFlight = 0;
  let mostInFlight = 0;
  const h = setup({
    sync: async () => conversations.map((id) => synced(id, perConversation, [], true)),
    eventsAfter: async (q) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      const seqs = Array.from({ length: Math.min(10, perConversation - q.after) }, (_, i) => q.after + i + 1);
      return { events: seqs.map((seq) => event(q.conversationId, seq)), hasMore: q.after + seqs.length < perConversation };
    },
  });
  h.session.begin('sync-3', 'query', null);
  await syncSession(h.session, { type: 'sync', id: 'sync-3', cursors: { [conversations[0]!]: 5 } }, h.history);
  const pushed = new Map<string, number[]>();
  for (const f of h.frames.filter((frame) => frame.type === 'event')) {
    const e = f.event as ClientEvent;
    pushed.set(e.conversationId, [...(pushed.get(e.conversationId) ?? []), e.seq as number]);
  }
  const all = (from: number) => Array.from({ length: perConversation - from }, (_, i) => from + i + 1);
  assert.deepEqual([...pushed.keys()].sort(), conversations);
  for (const id of conversations) assert.deepEqual(pushed.get(id), all(id === conversations[0] ? 5 : 0), id);
  assert.equal(mostInFlight, SYNC_CONVERSATIONS_AT_ONCE);
  assert.equal(h.frames.at(-1)!.type, 'ok');
});

test('a conversation that cannot be read to the end fails the sync, and no further conversation is started', async () => {
  const conversations = Array.from({ length: SYNC_CONVERSATIONS_AT_ONCE * 3 }, (_, i) => groupId(i + 1));
  const asked = new Set<string>();
  const h = setup({
    sync: async () => conversations.map((id) => synced(id, 3, [], true)),
    eventsAfter: async (q) => {
      asked.add(q.conversationId);
      if (q.conversationId === conversations[0]) throw new HistoryError('unavailable', 'down');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { events: [1, 2, 3].map((seq) => event(q.conversationId, seq)), hasMore: false };
    },
  });
  h.session.begin('sync-4', 'query', null);
  await syncSession(h.session, { type: 'sync', id: 'sync-4', cursors: {} }, h.history);
  assert.deepEqual(h.frames.at(-1), { type: 'error', id: 'sync-4', code: 'unavailable', message: 'the history could not be read to the end; sync again', retriable: true });
  assert.equal(asked.size, SYNC_CONVERSATIONS_AT_ONCE, 'only the conversations already started were read');
});

test('the replay pushes no further than two pages ahead of what the client has read', async () => {
  let reading = false;
  const h = setup(
    {
      sync: async () => [synced(A, 50, [], true)],
      eventsAfter: async (q) => {
        const seqs = Array.from({ length: Math.min(10, 50 - q.after) }, (_, i) => q.after + i + 1);
        return { events: seqs.map((seq) => event(A, seq)), hasMore: q.after + seqs.length < 50 };
      },
    },
    { reads: () => reading },
  );
  h.session.begin('sync-5', 'query', null);
  // Frames heard in the same millisecond as a ping cannot be told apart from its answer.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const done = syncSession(h.session, { type: 'sync', id: 'sync-5', cursors: {} }, h.history);
  for (const deadline = Date.now() + 5_000; h.pings.length < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const pushed = () => h.frames.filter((f) => f.type === 'event').length;
  assert.equal(pushed(), 20, 'two pages pushed, then it waits for the client');
  assert.deepEqual(h.pings, [10, 20], 'a ping follows each page');
  reading = true;
  h.session.seen();
  await done;
  assert.equal(pushed(), 50);
  assert.deepEqual(
    h.frames.filter((f) => f.type === 'event').map((f) => (f.event as ClientEvent).seq),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  assert.equal(h.frames.at(-1)!.type, 'ok');
});
