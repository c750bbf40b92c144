import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka, partitionFor } from '@switchboard/kafka';
import { UnknownSchemaIdError, createCodec, decodeCommand, encodeCommand, loadFileCatalog, type Command } from '@switchboard/schemas';
import { BROKERS } from './helpers/platform';
import { randomName } from './helpers/random';

const codec = createCodec(loadFileCatalog());

function command(i: number): Command {
  return {
    commandId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    issuedAt: 1_700_000_000_000 + i,
    conversationId: `dm.${i.toString(16).padStart(32, '0')}`,
    origin: { gatewayId: 'gw-1', sessionId: `s${i}`, userId: `user${i}`, requestId: `r${i}` },
    traceparent: i % 2 === 0 ? null : '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    body: { type: 'SendMessage', clientMsgId: `c${i}`, recipientId: `peer${i}`, body: `message ${i} ✓`, contentType: 'text/plain' },
  };
}

test('Avro records round-trip through a real topic: keys land on their hashed partition; unknown schema ids are clear errors', async () => {
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'avro-it' });
  const topic = randomName('t-avro-');
  const partitions = 6;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const sent = Array.from({ length: 60 }, (_, i) => command(i));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: sent.map((c) => ({ key: c.conversationId, value: encodeCommand(codec, c) })) });
  const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xfe, 2, 4, 6]);
  await producer.send({ topic, acks: -1, messages: [{ key: 'poison', value: unknownId }, { key: sent[0]!.conversationId, value: encodeCommand(codec, sent[0]!) }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: randomName('g-avro-'), maxWaitTimeInMs: 50 });
  const received: { partition: number; key: string; value: Command }[] = [];
  const errors: { key: string; error: unknown }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key!.toString();
        try {
          received.push({ partition, key, value: decodeCommand(codec, message.value!) });
        } catch (error) {
          errors.push({ key, error });
        }
        if (received.length + errors.length === sent.length + 2) resolve();
      },
    });
  });
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('records did not come back within 30 s')), 30_000))]);
  await consumer.disconnect();

  assert.equal(received.length, sent.length + 1, 'every valid record decodes, including the one after the bad record');
  for (const r of received) {
    assert.equal(r.partition, partitionFor(r.key, partitions), `key ${r.key} is on its hashed partition`);
    assert.equal(r.key, r.value.conversationId);
  }
  const byId = new Map(received.map((r) => [r.value.commandId, r.value]));
  for (const c of sent) assert.deepEqual(byId.get(c.commandId), c);
  assert.equal(new Set(received.map((r) => r.partition)).size, partitions, 'the keys spread over every partition');

  assert.equal(errors.length, 1);
  const { key, error } = errors[0]!;
  assert.equal(key, 'poison');
  assert.ok(error instanceof UnknownSchemaIdError, `got ${String(error)}`);
  assert.match((error as Error).message, /2147483646/);
  assert.equal((error as UnknownSchemaIdError & { retriable: boolean }).retriable, false);
});
