import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSessionCounts } from './sessionCounts';

test('session counts are the number of live sessions; gateway and session ids are dropped', async () => {
  const counts = createSessionCounts(
    {
      sessionsOf: async () =>
        new Map([
          ['bob', [{ sessionId: 's1', gatewayId: 'gw-1' }, { sessionId: 's2', gatewayId: 'gw-2' }]],
        ]),
    },
    1_000,
  );
  assert.deepEqual(await counts(['bob', 'carol']), new Map([['bob', 2]]));
});

test('presence that does not answer in time rejects, so the request is answered rather than left waiting', async () => {
  const counts = createSessionCounts({ sessionsOf: () => new Promise(() => undefined) }, 20);
  await assert.rejects(counts(['bob']), /did not answer within 20 ms/);
});
