import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'kafkajs';
import type { Command } from '@switchboard/schemas';
import { createRoundPacer } from '@switchboard/kafka';
import { createCommandPublisher } from './commands';

function command(n: number, conversationId = `grp.${'a'.repeat(32)}`): Command {
  return {
    commandId: `c${n}`,
    issuedAt: n,
    conversationId,
    origin: { gatewayId: 'gw', sessionId: 's', userId: 'u', requestId: String(n) },
    traceparent: null,
    body: { type: 'Typing', active: true },
  };
}

/** A batch writer whose calls finish only when the test says so. */
function controlledSender() {
  const calls: { messages: Message[]; finish: (err?: Error) => void }[] = [];
  const sendBatch = (messages: Message[]) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ messages, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, sendBatch };
}

const encode = (c: Command) => Buffer.from(c.commandId);

test('a lone command is sent at once, keyed by its conversation', async () => {
  const sender = controlledSender();
  const publisher = createCommandPublisher({ sendBatch: sender.sendBatch, encode });
  const done = publisher.publish(command(1, 'dm.0123'));
  assert.equal(sender.calls.length, 1, 'no timer: the first command goes out synchronously');
  const [message] = sender.calls[0]!.messages;
  assert.equal(message?.key, 'dm.0123');
  assert.equal(message?.value?.toString(), 'c1');
  sender.calls[0]!.finish();
  await done;
});

test('commands arriving while a batch is in flight go together in the next one', async () => {
  const sender = controlledSender();
  const publisher = createCommandPublisher({ sendBatch: sender.sendBatch, encode });
  const first = publisher.publish(command(1));
  const rest = [2, 3, 4].map((n) => publisher.publish(command(n)));
  assert.equal(sender.calls.length, 1);
  sender.calls[0]!.finish();
  await first;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sender.calls.length, 2);
  assert.deepEqual(
    sender.calls[1]!.messages.map((m) => m.value?.toString()),
    ['c2', 'c3', 'c4'],
  );
  sender.calls[1]!.finish();
  await Promise.all(rest);
});

test('a failed batch rejects exactly its own commands', async () => {
  const sender = controlledSender();
  const publisher = createCommandPublisher({ sendBatch: sender.sendBatch, encode });
  const first = publisher.publish(command(1));
  const second = publisher.publish(command(2));
  sender.calls[0]!.finish(new Error('broker down'));
  await assert.rejects(first, /broker down/);
  await new Promise((resolve) => setImmediate(resolve));
  sender.calls[1]!.finish();
  await second;
});

test('batches are capped, and flush waits for everything handed over', async () => {
  const sizes: number[] = [];
  const publisher = createCommandPublisher({
    sendBatch: async (messages) => void sizes.push(messages.length),
    encode,
    maxBatchMessages: 2,
  });
  const all = [1, 2, 3, 4, 5, 6].map((n) => publisher.publish(command(n)));
  await publisher.flush();
  await Promise.all(all);
  assert.deepEqual(sizes, [1, 2, 2, 1]);
});

test('a command that cannot be encoded is refused alone', async () => {
  const sender = controlledSender();
  const publisher = createCommandPublisher({
    sendBatch: sender.sendBatch,
    encode: (c) => {
      if (c.commandId === 'c1') throw new Error('bad value');
      return Buffer.from(c.commandId);
    },
  });
  await assert.rejects(publisher.publish(command(1)), /bad value/);
  assert.equal(sender.calls.length, 0);
});

test('with an interval, commands arriving soon after a batch wait for it and go together', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 10_000 });
  const sender = controlledSender();
  const publisher = createCommandPublisher({ sendBatch: sender.sendBatch, encode, pacer: createRoundPacer({ intervalMs: 5, burst: 1 }) });
  const first = publisher.publish(command(1));
  assert.equal(sender.calls.length, 1, 'an idle publisher sends at once');
  sender.calls[0]!.finish();
  await first;
  t.mock.timers.tick(1);
  const rest = [2, 3, 4].map((n) => publisher.publish(command(n)));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sender.calls.length, 1, 'not before the interval since the first batch started');
  t.mock.timers.tick(4);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sender.calls.length, 2);
  assert.deepEqual(sender.calls[1]!.messages.map((m) => m.value?.toString()), ['c2', 'c3', 'c4']);
  sender.calls[1]!.finish();
  await Promise.all(rest);
  t.mock.timers.tick(100);
  const late = publisher.publish(command(5));
  assert.equal(sender.calls.length, 3, 'long after the last batch, a command goes at once again');
  sender.calls[2]!.finish();
  await late;
});
