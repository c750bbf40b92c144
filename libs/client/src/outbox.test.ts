import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchboardError } from './errors';
import { createOutbox } from './outbox';

const msg = (n: number) => ({ to: 'bob', clientMsgId: `c-${n}`, body: `b${n}`, contentType: 'text/plain' });

test('a full outbox refuses with the retriable outbox_full; an acknowledged send frees its place', () => {
  const outbox = createOutbox(2);
  const first = outbox.add(msg(1));
  outbox.add(msg(2));
  assert.throws(() => outbox.add(msg(3)), (err: unknown) => isSwitchboardError(err) && err.code === 'outbox_full' && err.retriable);
  outbox.remove(first);
  outbox.add(msg(3));
  assert.equal(outbox.size(), 2);
});

test('the same client id cannot wait twice', () => {
  const outbox = createOutbox(10);
  outbox.add(msg(1));
  assert.throws(() => outbox.add(msg(1)), (err: unknown) => isSwitchboardError(err) && err.code === 'invalid_request');
});

test('take hands out queued sends oldest first, never more than maxInFlight at once', () => {
  const outbox = createOutbox(10);
  for (let i = 1; i <= 5; i++) outbox.add(msg(i));
  const ids = (entries: { message: { clientMsgId: string } }[]) => entries.map((e) => e.message.clientMsgId);
  const first = outbox.take(2);
  assert.deepEqual(ids(first), ['c-1', 'c-2']);
  assert.deepEqual(outbox.take(2), []);
  outbox.remove(first[0]!);
  assert.deepEqual(ids(outbox.take(2)), ['c-3']);
});

test('a send whose connection was lost keeps its place and its client id; a held one waits out of the queue', () => {
  const outbox = createOutbox(10);
  for (let i = 1; i <= 3; i++) outbox.add(msg(i));
  const [one, two, three] = outbox.take(3);
  outbox.requeue(one!);
  outbox.hold(two!);
  outbox.requeue(three!);
  assert.deepEqual(outbox.take(10).map((e) => e.message.clientMsgId), ['c-1', 'c-3']);
  outbox.requeue(two!);
  assert.deepEqual(outbox.take(10).map((e) => e.message.clientMsgId), ['c-2']);
  assert.equal(outbox.get('c-2')?.message.body, 'b2');
});
