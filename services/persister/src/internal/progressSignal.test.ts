import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressSignal } from './progressSignal';

test('a waiter wakes at a notify for its conversation, not for another one', async () => {
  const progress = createProgressSignal();
  let woke = false;
  const waiting = progress.next('c1', 60_000).then(() => (woke = true));
  progress.notify(['c2']);
  await new Promise((r) => setImmediate(r));
  assert.equal(woke, false);
  progress.notify(['c1']);
  await waiting;
  assert.equal(woke, true);
});

test('a waiter wakes after its timeout without a notify', async () => {
  await createProgressSignal().next('c1', 5);
});
