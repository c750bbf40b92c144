import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundBatcher } from './roundBatcher';

test('parts submitted in the same turn run in one call, and each gets its result', async () => {
  const calls: number[][] = [];
  const submit = createRoundBatcher(async (parts: readonly number[]) => {
    calls.push([...parts]);
    return parts.length;
  });
  assert.deepEqual(await Promise.all([submit(1), submit(2), submit(3)]), [3, 3, 3]);
  assert.deepEqual(calls, [[1, 2, 3]]);
});

test('a part submitted while a call runs waits for the next call; calls never overlap', async () => {
  const calls: number[][] = [];
  let running = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const submit = createRoundBatcher(async (parts: readonly number[]) => {
    assert.equal(running, 0, 'one call at a time');
    running += 1;
    calls.push([...parts]);
    if (calls.length === 1) await gate;
    running -= 1;
  });
  const first = [submit(1), submit(2)];
  await new Promise((resolve) => setImmediate(resolve));
  const later = [submit(3), submit(4)];
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(calls, [[1, 2]]);
  release();
  await Promise.all([...first, ...later]);
  assert.deepEqual(calls, [[1, 2], [3, 4]]);
});

test('a failed call rejects every part of it, and the next call runs as usual', async () => {
  let fail = true;
  const submit = createRoundBatcher(async (parts: readonly string[]) => {
    if (fail) throw new Error('database down');
    return parts.join('+');
  });
  const results = await Promise.allSettled([submit('a'), submit('b')]);
  assert.deepEqual(
    results.map((r) => r.status === 'rejected' && (r.reason as Error).message),
    ['database down', 'database down'],
  );
  fail = false;
  assert.deepEqual(await Promise.all([submit('a'), submit('b')]), ['a+b', 'a+b']);
});
