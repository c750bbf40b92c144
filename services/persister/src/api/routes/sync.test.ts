import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchboardError } from '@switchboard/errors';
import type { ClientEvent } from '@switchboard/protocol';
import type { HistoryReader } from '../../storage/interface';
import type { CatchUpOutcome } from '../../internal/logCatchUp';
import { createSyncRoute } from './sync';

/** A projection holding one conversation of alice's, at seq 3. */
const reader: HistoryReader = {
  conversation: async () => undefined,
  membership: async () => undefined,
  eventsAfter: async () => [],
  eventsBefore: async () => [],
  conversationsAhead: async () => [{ conversationId: 'dm.a', kind: 'direct', name: null, lastSeq: 3, joinedSeq: 1 }],
  eventWindows: async () => new Map(),
  readPositions: async () => new Map(),
};

test('a sync is answered only when the projection caught up with the log', async () => {
  const route = createSyncRoute({ reader, catchUp: async () => 'caught_up' });
  const answer = await route({ userId: 'alice', cursors: {} });
  assert.equal(answer.status, 200);
  assert.equal((answer.body as { conversations: unknown[] }).conversations.length, 1);
});

for (const outcome of ['timed_out', 'log_unavailable'] as CatchUpOutcome[]) {
  test(`a sync whose catch-up ${outcome === 'timed_out' ? 'timed out' : 'could not read the log end'} is refused as unavailable, never answered with what is stored`, async () => {
    const route = createSyncRoute({ reader, catchUp: async () => outcome });
    await assert.rejects(route({ userId: 'alice', cursors: {} }), (err: unknown) => isSwitchboardError(err) && err.code === 'unavailable' && err.retriable);
  });
}

const A = 'grp.0123456789abcdef0123456789abcdea';
const B = 'grp.0123456789abcdef0123456789abcdeb';

test('with an event budget, the conversations after it is spent come without events and with hasMore, and are not read', async () => {
  const asked: { conversationId: string; afterSeq: number; limit: number }[][] = [];
  const event = (conversationId: string, seq: number) => ({ conversationId, seq }) as unknown as ClientEvent;
  const twoConversations: HistoryReader = {
    ...reader,
    conversationsAhead: async () => [
      { conversationId: A, kind: 'group', name: 'A', lastSeq: 3, joinedSeq: 1 },
      { conversationId: B, kind: 'group', name: 'B', lastSeq: 5, joinedSeq: 1 },
    ],
    eventWindows: async (windows) => {
      asked.push([...windows]);
      return new Map(windows.map((w) => [w.conversationId, [1, 2, 3].filter((seq) => seq > w.afterSeq).map((seq) => event(w.conversationId, seq))]));
    },
  };
  const route = createSyncRoute({ reader: twoConversations, catchUp: async () => 'caught_up' });
  const answer = await route({ userId: 'alice', cursors: { [A]: 0 }, limit: 10, maxEvents: 3 });
  const conversations = (answer.body as { conversations: { conversationId: string; events: ClientEvent[]; hasMore: boolean }[] }).conversations;
  assert.deepEqual(
    conversations.map((c) => [c.conversationId, c.events.map((e) => e.seq), c.hasMore]),
    [
      [A, [1, 2, 3], false],
      [B, [], true],
    ],
  );
  assert.deepEqual(asked, [[{ conversationId: A, afterSeq: 0, limit: 4 }]]);
});
