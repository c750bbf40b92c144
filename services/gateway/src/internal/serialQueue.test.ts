import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSerialQueue } from './serialQueue';

test('tasks run in the order queued, even when earlier ones wait longer', async () => {
  const errors: unknown[] = [];
  const queue = createSerialQueue((err) => errors.push(err));
  const order: number[] = [];
  const delays = [30, 0, 10, 0];
  const done = new Promise<void>((resolve) => {
    delays.forEach((ms, i) =>
      queue.run(async () => {
        await new Promise((r) => setTimeout(r, ms));
        order.push(i);
        if (i === delays.length - 1) resolve();
      }),
    );
  });
  await done;
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(errors, []);
});

test('a failing task is reported and the queue goes on', async () => {
  const errors: unknown[] = [];
  const queue = createSerialQueue((err) => errors.push(err));
  const ran: string[] = [];
  queue.run(() => {
    throw new Error('sync boom');
  });
  queue.run(async () => {
    throw new Error('async boom');
  });
  await new Promise<void>((resolve) => queue.run(() => (ran.push('after'), resolve())));
  assert.deepEqual(ran, ['after']);
  assert.deepEqual(errors.map((e) => (e as Error).message), ['sync boom', 'async boom']);
});

test('a task queued while nothing waits runs at once; later ones wait for the pending one', async () => {
  const queue = createSerialQueue(() => undefined);
  const ran: string[] = [];
  queue.run(() => void ran.push('sync'));
  assert.deepEqual(ran, ['sync'], 'ran within run()');
  let release!: () => void;
  queue.run(() => new Promise<void>((resolve) => (release = () => (ran.push('slow'), resolve()))));
  queue.run(() => void ran.push('after slow'));
  assert.deepEqual(ran, ['sync']);
  release();
  await new Promise<void>((resolve) => queue.run(() => resolve()));
  assert.deepEqual(ran, ['sync', 'slow', 'after slow']);
  await new Promise((resolve) => setImmediate(resolve));
  queue.run(() => void ran.push('idle again'));
  assert.deepEqual(ran, ['sync', 'slow', 'after slow', 'idle again'], 'runs at once once the queue is empty');
});
