import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKafka, createPartitionReader } from '@switchboard/kafka';
import { BROKERS } from './helpers/platform';
import { randomName } from './helpers/random';

test('the partition reader reads a range far longer than one fetch, committed records only, and can read again', { timeout: 120_000 }, async () => {
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'reader-it' });
  const topic = randomName('t-reader-');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();

  // 3,000 records of 1 KiB in transactions: three times kafkajs's 1 MiB per-partition fetch, with a
  // transaction marker after every batch and an aborted batch in the middle.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, transactionalId: randomName('tx-reader-') });
  await producer.connect();
  const padding = 'x'.repeat(1024);
  for (let batch = 0; batch < 30; batch++) {
    const tx = await producer.transaction();
    await tx.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ partition: 0, value: `${batch * 100 + i}:${padding}` })) });
    await tx.commit();
    if (batch === 10) {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ partition: 0, value: `aborted:${padding}` }] });
      await aborted.abort();
    }
  }
  await producer.disconnect();
  const check = kafka.admin();
  await check.connect();
  const high = Number((await check.fetchTopicOffsets(topic)).find((o) => o.partition === 0)!.high);
  await check.disconnect();

  const reader = createPartitionReader({ kafka, topic, groupPrefix: randomName('reader-') });
  await reader.start();
  try {
    const values: string[] = [];
    await reader.read({ partition: 0, from: 0, to: high }, (m) => values.push(m.value!.toString().split(':')[0]!));
    assert.equal(values.length, 3000, 'every committed record, none aborted');
    assert.deepEqual(values, Array.from({ length: 3000 }, (_, i) => String(i)), 'in order, once each');

    const again: string[] = [];
    await reader.read({ partition: 0, from: 0, to: 5 }, (m) => again.push(m.value!.toString().split(':')[0]!));
    assert.deepEqual(again, ['0', '1', '2', '3', '4'], 'a second read of the same partition starts where it is told');
  } finally {
    await reader.stop();
  }
});
