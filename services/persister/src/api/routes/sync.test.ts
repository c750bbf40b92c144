import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchboardError } from '@switchboard/errors';
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
