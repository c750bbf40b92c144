import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import type { HistoryClient } from '../storage/historyClient';
import type { ConversationFeed } from './conversationFeed';
import { createGatewayMetrics } from './gatewayMetrics';
import { MAX_PENDING_QUERIES, createRequestHandler } from './handleRequest';
import { createSession } from './session';
import { createTokenBucket } from './tokenBucket';

const DM = `dm.${'a'.repeat(32)}`;

test('history and sync requests pending at once on one connection are capped; the extra ones are rate_limited', async () => {
  const frames: Record<string, unknown>[] = [];
  const release: (() => void)[] = [];
  const held = <T>(value: T) => new Promise<T>((resolve) => release.push(() => resolve(value)));
  const history: HistoryClient = {
    eventsAfter: () => held({ events: [], hasMore: false }),
    history: () => held({ events: [], hasMore: false }),
    sync: () => held([]),
  };
  const logger = createLogger('test', 'error', {}, () => undefined);
  const session = createSession({
    id: 's',
    userId: 'alice',
    socket: { send: (t) => (frames.push(JSON.parse(t) as Record<string, unknown>), 1), getBufferedAmount: () => 0, end: () => undefined, ping: () => undefined, terminate: () => undefined },
    maxBufferedBytes: 1_000_000,
    resumeGraceMs: 0,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger,
    createFeed: () => ({}) as ConversationFeed,
  });
  const handle = createRequestHandler({ gatewayId: 'gw', publish: async () => undefined, history, sessionCounts: async () => new Map(), requestTimeoutMs: 1_000, logger });
  for (let i = 0; i < MAX_PENDING_QUERIES; i++) handle(session, { type: 'history', id: `h${i}`, conversationId: DM, limit: 50 });
  handle(session, { type: 'history', id: 'one-too-many', conversationId: DM, limit: 50 });
  handle(session, { type: 'sync', id: 'sync-too', cursors: {} });
  assert.deepEqual(frames.map((f) => [f.id, f.code]), [['one-too-many', 'rate_limited'], ['sync-too', 'rate_limited']]);
  release.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  handle(session, { type: 'history', id: 'after', conversationId: DM, limit: 50 });
  assert.equal(frames.filter((f) => f.id === 'after').length, 0, 'a place freed up: it is pending, not refused');
  for (const resume of release.splice(0)) resume();
});

function presenceHarness(sessionCounts: (userIds: readonly string[]) => Promise<Map<string, number>>) {
  const frames: Record<string, unknown>[] = [];
  const logger = createLogger('test', 'error', {}, () => undefined);
  const session = createSession({
    id: 's',
    userId: 'alice',
    socket: { send: (t) => (frames.push(JSON.parse(t) as Record<string, unknown>), 1), getBufferedAmount: () => 0, end: () => undefined, ping: () => undefined, terminate: () => undefined },
    maxBufferedBytes: 1_000_000,
    resumeGraceMs: 0,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger,
    createFeed: () => ({}) as ConversationFeed,
  });
  const unused = () => Promise.reject(new Error('not used'));
  const history: HistoryClient = { eventsAfter: unused, history: unused, sync: unused };
  const handle = createRequestHandler({ gatewayId: 'gw', publish: async () => undefined, history, sessionCounts, requestTimeoutMs: 1_000, logger });
  return { frames, handle: (request: Parameters<typeof handle>[1]) => handle(session, request) };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

test('presence answers a count and an online flag for every user asked about, and nothing else', async () => {
  const asked: (readonly string[])[] = [];
  const { frames, handle } = presenceHarness(async (userIds) => {
    asked.push(userIds);
    return new Map([['bob', 2], ['dave', 1]]);
  });
  handle({ type: 'presence', id: 'p1', userIds: ['bob', 'carol', '__proto__'] });
  await settled();
  assert.deepEqual(asked, [['bob', 'carol', '__proto__']]);
  assert.equal(frames.length, 1);
  const text = JSON.stringify(frames[0]);
  assert.deepEqual(JSON.parse(text), {
    type: 'ok',
    id: 'p1',
    result: { users: { bob: { online: true, sessions: 2 }, carol: { online: false, sessions: 0 }, ['__proto__']: { online: false, sessions: 0 } } },
  });
  assert.doesNotMatch(text, /dave/, 'users not asked about are not revealed');
});

test('presence that cannot be read is answered unavailable (retriable)', async () => {
  const { frames, handle } = presenceHarness(() => Promise.reject(new Error('connection is closed')));
  handle({ type: 'presence', id: 'p2', userIds: ['bob'] });
  await settled();
  assert.deepEqual(frames.map((f) => [f.type, f.id, f.code, f.retriable]), [['error', 'p2', 'unavailable', true]]);
});

test('presence requests count against the pending-query limit like history and sync', async () => {
  const release: (() => void)[] = [];
  const { frames, handle } = presenceHarness(() => new Promise((resolve) => release.push(() => resolve(new Map()))));
  for (let i = 0; i < MAX_PENDING_QUERIES; i++) handle({ type: 'presence', id: `p${i}`, userIds: ['bob'] });
  handle({ type: 'presence', id: 'one-too-many', userIds: ['bob'] });
  handle({ type: 'history', id: 'history-too', conversationId: DM, limit: 50 });
  assert.deepEqual(frames.map((f) => [f.id, f.code]), [['one-too-many', 'rate_limited'], ['history-too', 'rate_limited']]);
  for (const resume of release.splice(0)) resume();
  await settled();
  assert.equal(frames.filter((f) => f.type === 'ok').length, MAX_PENDING_QUERIES);
});
