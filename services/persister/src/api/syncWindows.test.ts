import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemberConversation } from '../storage/interface';
import { planSyncWindows } from './syncWindows';

const conversation = (conversationId: string, lastSeq: number, joinedSeq = 1): MemberConversation => ({ conversationId, kind: 'group', name: null, lastSeq, joinedSeq });

test('without a budget every conversation gets up to the limit after its cursor, or after the seq before the user joined', () => {
  const windows = planSyncWindows([conversation('a', 10), conversation('b', 900), conversation('c', 50, 20)], new Map([['a', 4]]), 500, null);
  assert.deepEqual(windows, [
    { conversationId: 'a', afterSeq: 4, take: 500, available: 6 },
    { conversationId: 'b', afterSeq: 0, take: 500, available: 900 },
    { conversationId: 'c', afterSeq: 19, take: 500, available: 31 },
  ]);
});

test('a budget is spent in order; what a conversation does not use goes to the next, and the rest get nothing', () => {
  const windows = planSyncWindows([conversation('a', 300), conversation('b', 2_000), conversation('c', 5), conversation('d', 7)], new Map(), 1_000, 1_000);
  assert.deepEqual(
    windows.map((w) => [w.conversationId, w.take, w.available]),
    [
      ['a', 1_000, 300],
      ['b', 700, 2_000],
      ['c', 0, 5],
      ['d', 0, 7],
    ],
  );
});

test('a cursor at or past the last seq leaves nothing available', () => {
  assert.deepEqual(planSyncWindows([conversation('a', 10)], new Map([['a', 12]]), 100, 100), [{ conversationId: 'a', afterSeq: 12, take: 100, available: 0 }]);
});
