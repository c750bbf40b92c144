import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { keepConsumerRunning } from './keepConsumerRunning';

/** The part of a kafkajs consumer the keeper uses: its CRASH and GROUP_JOIN events and connect(). */
function fakeConsumer() {
  const emitter = new EventEmitter();
  let connects = 0;
  const consumer = {
    events: { CRASH: 'consumer.crash', GROUP_JOIN: 'consumer.group_join' },
    on: (event: string, listener: (e: unknown) => void) => {
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
    connect: async () => void (connects += 1),
  } as unknown as Consumer;
  const crash = (restart: boolean) => emitter.emit('consumer.crash', { payload: { error: new Error('boom'), restart } });
  const join = () => emitter.emit('consumer.group_join', { payload: {} });
  return { consumer, crash, join, connects: () => connects };
}

/** Lets promise callbacks run; timers are mocked, so nothing else moves. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a crash kafkajs restarts by itself is left alone', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fake = fakeConsumer();
  let runs = 0;
  const keeper = keepConsumerRunning(fake.consumer, async () => void (runs += 1), { delayMs: 100 });
  fake.crash(true);
  t.mock.timers.tick(10_000);
  await settle();
  assert.equal(runs, 0);
  keeper.stop();
});

test('a crash kafkajs gives up on is restarted after the pause: connect, then run again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fake = fakeConsumer();
  let runs = 0;
  const keeper = keepConsumerRunning(fake.consumer, async () => void (runs += 1), { delayMs: 100 });
  fake.crash(false);
  t.mock.timers.tick(99);
  await settle();
  assert.equal(runs, 0, 'not before the pause');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(fake.connects(), 1);
  assert.equal(runs, 1);
  keeper.stop();
});

test('a restart that fails is tried again, each pause twice the last', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fake = fakeConsumer();
  let runs = 0;
  const keeper = keepConsumerRunning(
    fake.consumer,
    async () => {
      runs += 1;
      if (runs < 3) throw new Error('broker still down');
    },
    { delayMs: 100, maxDelayMs: 1_000 },
  );
  fake.crash(false);
  for (const [pause, expectedRuns] of [[100, 1], [200, 2], [400, 3]] as const) {
    t.mock.timers.tick(pause - 1);
    await settle();
    assert.equal(runs, expectedRuns - 1, `no restart before ${pause} ms`);
    t.mock.timers.tick(1);
    await settle();
    assert.equal(runs, expectedRuns, `a restart after ${pause} ms`);
  }
  t.mock.timers.tick(10_000);
  await settle();
  assert.equal(runs, 3, 'no more once it ran');
  keeper.stop();
});

test('after stop, a crash is not followed by a restart', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fake = fakeConsumer();
  let runs = 0;
  const keeper = keepConsumerRunning(fake.consumer, async () => void (runs += 1), { delayMs: 100 });
  keeper.stop();
  fake.crash(false);
  t.mock.timers.tick(10_000);
  await settle();
  assert.equal(runs, 0);
});

test('joining the group resets the pause', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const fake = fakeConsumer();
  let runs = 0;
  const keeper = keepConsumerRunning(fake.consumer, async () => void (runs += 1), { delayMs: 100, maxDelayMs: 10_000 });
  for (let i = 1; i <= 3; i++) {
    fake.crash(false);
    t.mock.timers.tick(100);
    await settle();
    assert.equal(runs, i, `restart ${i} after the first pause, not a grown one`);
    fake.join();
  }
  keeper.stop();
});
