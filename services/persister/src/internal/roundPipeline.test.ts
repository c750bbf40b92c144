import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundPipeline } from './roundPipeline';

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('parts submitted in the same turn are written in one call, and each starts and settles with it', async () => {
  const calls: number[][] = [];
  const pipeline = createRoundPipeline(async (parts: readonly number[]) => void calls.push([...parts]), assert.fail);
  const submitted = [1, 2, 3].map((n) => pipeline.submit(n, 0));
  assert.deepEqual(await Promise.all(submitted.map((s) => s.started)), [true, true, true]);
  await Promise.all(submitted.map((s) => s.committed));
  assert.deepEqual(calls, [[1, 2, 3]]);
});

test('a part submitted while a call runs goes into the next call, which starts only when the one ahead settled; calls never overlap', async () => {
  const calls: number[][] = [];
  let running = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pipeline = createRoundPipeline(async (parts: readonly number[]) => {
    assert.equal(running, 0, 'one call at a time');
    running += 1;
    calls.push([...parts]);
    if (calls.length === 1) await gate;
    running -= 1;
  }, assert.fail);
  const first = [pipeline.submit(1, 0), pipeline.submit(2, 0)];
  assert.deepEqual(await Promise.all(first.map((s) => s.started)), [true, true], 'a round starts without waiting for its commit');
  const later = [pipeline.submit(3, 0), pipeline.submit(4, 0)];
  let laterStarted = false;
  void later[0]!.started.then(() => (laterStarted = true));
  await turn();
  await turn();
  assert.deepEqual(calls, [[1, 2]]);
  assert.equal(laterStarted, false, 'the next round waits while the one ahead is written');
  release();
  await Promise.all(later.map((s) => s.committed));
  assert.deepEqual(calls, [[1, 2], [3, 4]]);
  await pipeline.idle();
});

test('a failed call is handed over whole, starts a new generation, and the parts gathered behind it are dropped; later ones are written', async () => {
  let fail = true;
  const calls: string[][] = [];
  const failed: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pipeline = createRoundPipeline(
    async (parts: readonly string[]) => {
      calls.push([...parts]);
      await gate;
      if (fail) throw new Error('database down');
    },
    (err, parts) => {
      assert.equal((err as Error).message, 'database down');
      failed.push([...parts]);
    },
  );
  const generation = pipeline.generation();
  const first = [pipeline.submit('a', generation), pipeline.submit('b', generation)];
  await Promise.all(first.map((s) => s.started));
  const behind = pipeline.submit('c', generation);
  release();
  assert.equal(await behind.started, false);
  await behind.committed;
  assert.deepEqual(failed, [['a', 'b']]);
  assert.equal(pipeline.generation(), generation + 1);

  const stale = pipeline.submit('d', generation);
  assert.equal(await stale.started, false, 'a part whose generation was read before the failure is dropped');
  fail = false;
  const fresh = pipeline.submit('e', pipeline.generation());
  assert.equal(await fresh.started, true);
  await fresh.committed;
  assert.deepEqual(calls, [['a', 'b'], ['e']]);
  await pipeline.idle();
});

test('idle waits for the round being written and the one gathered behind it', async () => {
  const order: string[] = [];
  const pipeline = createRoundPipeline(async (parts: readonly string[]) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push(parts.join('+'));
  }, assert.fail);
  await pipeline.idle();
  pipeline.submit('a', 0);
  await turn();
  pipeline.submit('b', 0);
  await pipeline.idle();
  order.push('idle');
  assert.deepEqual(order, ['a', 'b', 'idle']);
});
