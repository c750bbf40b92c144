import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransactionBatcher } from './transactionBatcher';

test('parts submitted in the same turn go into one call; later ones into the next, never two at once', async () => {
  const calls: number[][] = [];
  let inFlight = 0;
  let release!: () => void;
  const batcher = createTransactionBatcher<number>(async (parts) => {
    inFlight += 1;
    assert.equal(inFlight, 1, 'one call at a time');
    calls.push([...parts]);
    if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    inFlight -= 1;
  });
  const round1 = [batcher.submit(1), batcher.submit(2), batcher.submit(3)];
  await new Promise((resolve) => setImmediate(resolve));
  const round2 = [batcher.submit(4), batcher.submit(5)];
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(calls, [[1, 2, 3]], 'the second round waits for the first call');
  release();
  await Promise.all([...round1, ...round2]);
  assert.deepEqual(calls, [[1, 2, 3], [4, 5]]);
});

test('a failed call refuses its parts, the waiting ones and every later one', async () => {
  let calls = 0;
  let fail!: (err: Error) => void;
  const batcher = createTransactionBatcher<string>(async () => {
    calls += 1;
    await new Promise<void>((_, reject) => (fail = reject));
  });
  const first = batcher.submit('a');
  await new Promise((resolve) => setImmediate(resolve));
  const waiting = batcher.submit('b');
  fail(new Error('fenced'));
  await assert.rejects(first, /fenced/);
  await assert.rejects(waiting, /fenced/);
  await assert.rejects(batcher.submit('c'), /fenced/);
  assert.equal(calls, 1, 'nothing runs after the failure');
});

test('inFlight settles with the call running now, failed or not; idle once nothing runs or waits', async () => {
  let finish!: (err?: Error) => void;
  const batcher = createTransactionBatcher<number>(() => new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve()))));
  await batcher.inFlight();
  await batcher.idle();
  const first = batcher.submit(1);
  await new Promise((resolve) => setImmediate(resolve));
  let aheadSettled = false;
  let idle = false;
  void batcher.inFlight().then(() => (aheadSettled = true));
  void batcher.idle().then(() => (idle = true));
  const second = batcher.submit(2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(aheadSettled, false, 'the first call is still running');
  finish();
  await first;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(aheadSettled, true);
  assert.equal(idle, false, 'the second part is committing now');
  finish(new Error('fenced'));
  await assert.rejects(second, /fenced/);
  await batcher.idle();
  assert.equal(idle, true);
  assert.equal(batcher.failed(), true);
});

test('onFailure hears once, with the failed call\'s parts and those waiting behind it, in the order submitted', async () => {
  const heard: number[][] = [];
  let fail!: (err: Error) => void;
  const batcher = createTransactionBatcher<number>(
    () => new Promise<void>((_, reject) => (fail = reject)),
    (parts) => void heard.push([...parts]),
  );
  const parts = [batcher.submit(1), batcher.submit(2)];
  await new Promise((resolve) => setImmediate(resolve));
  parts.push(batcher.submit(3), batcher.submit(4));
  fail(new Error('broker gone'));
  for (const p of parts) await assert.rejects(p, /broker gone/);
  await assert.rejects(batcher.submit(5), /broker gone/);
  assert.deepEqual(heard, [[1, 2, 3, 4]]);
});
