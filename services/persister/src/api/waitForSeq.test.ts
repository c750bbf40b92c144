import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressSignal } from '../internal/progressSignal';
import { waitForSeq } from './waitForSeq';

test('returns as soon as the projected seq reaches the target', async () => {
  const progress = createProgressSignal();
  const seqs = [3, 4, 6];
  let reads = 0;
  const last = await waitForSeq({ conversationId: 'c', seq: 5, waitMs: 60_000, pollMs: 1, progress, readLastSeq: async () => seqs[reads++] ?? 6 });
  assert.equal(last, 6);
  assert.equal(reads, 3);
});

test('a notify for the conversation triggers the next read before the poll interval', async () => {
  const progress = createProgressSignal();
  let seq = 1;
  const waiting = waitForSeq({ conversationId: 'c', seq: 2, waitMs: 60_000, pollMs: 60_000, progress, readLastSeq: async () => seq });
  await new Promise((r) => setImmediate(r));
  seq = 2;
  progress.notify(['c']);
  assert.equal(await waiting, 2);
});

test('gives up at the deadline with the last seq it read', async () => {
  let clock = 0;
  const last = await waitForSeq({
    conversationId: 'c',
    seq: 10,
    waitMs: 100,
    pollMs: 1,
    progress: createProgressSignal(),
    now: () => clock,
    readLastSeq: async () => {
      clock += 40;
      return 7;
    },
  });
  assert.equal(last, 7);
  assert.equal(clock, 120);
});

test('without a wait it reads once', async () => {
  let reads = 0;
  await waitForSeq({ conversationId: 'c', seq: 10, waitMs: 0, progress: createProgressSignal(), readLastSeq: async () => (reads++, 0) });
  assert.equal(reads, 1);
});
