import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'kafkajs';
import { chunkMessages, recordBytes } from './chunkMessages';

const message = (partition: number, bytes: number, n: number): Message => ({ key: `k${n}`, value: Buffer.alloc(bytes, n % 256), partition });

test('small writes stay one send', () => {
  const sends = chunkMessages([
    { topic: 'events', messages: [message(0, 100, 1), message(1, 100, 2)] },
    { topic: 'deliveries', messages: [message(0, 100, 3)] },
  ]);
  assert.equal(sends.length, 1);
  assert.deepEqual(sends[0]!.map((t) => [t.topic, t.messages.length]), [['events', 2], ['deliveries', 1]]);
});

test('no send holds more than the bound for one partition, and every partition keeps its order', () => {
  const events = Array.from({ length: 50 }, (_, i) => message(i % 2, 30_000, i));
  const deliveries = Array.from({ length: 40 }, (_, i) => message(3, 50_000, 100 + i));
  const bound = 200_000;
  const sends = chunkMessages([{ topic: 'events', messages: events }, { topic: 'deliveries', messages: deliveries }], bound);
  assert.ok(sends.length > 1);
  for (const send of sends) {
    const perPartition = new Map<string, number>();
    for (const { topic, messages } of send) {
      for (const m of messages) perPartition.set(`${topic}/${m.partition}`, (perPartition.get(`${topic}/${m.partition}`) ?? 0) + recordBytes(m));
    }
    for (const [partition, bytes] of perPartition) assert.ok(bytes <= bound, `${partition}: ${bytes} bytes in one send`);
  }
  const flattened = (topic: string, partition: number) =>
    sends.flatMap((send) => send.filter((t) => t.topic === topic).flatMap((t) => t.messages.filter((m) => m.partition === partition)));
  assert.deepEqual(flattened('events', 0), events.filter((m) => m.partition === 0));
  assert.deepEqual(flattened('events', 1), events.filter((m) => m.partition === 1));
  assert.deepEqual(flattened('deliveries', 3), deliveries);
});

test('a record larger than the bound goes out alone rather than being dropped', () => {
  const sends = chunkMessages([{ topic: 't', messages: [message(0, 10, 1), message(0, 5_000, 2), message(0, 10, 3)] }], 1_000);
  assert.deepEqual(sends.map((s) => s[0]!.messages.map((m) => m.key)), [['k1'], ['k2'], ['k3']]);
});
