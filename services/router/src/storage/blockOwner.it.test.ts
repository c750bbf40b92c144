import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createKafka } from '@switchboard/kafka';
import { fence } from './blockOwner';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

test('fencing a transactional id aborts what its last user left open, and that user can no longer commit', { timeout: 60_000 }, async () => {
  const kafka = createKafka({ brokers: BROKERS, clientId: 'fence-it', retries: 3 });
  const topic = `fence-it-${randomBytes(4).toString('hex')}`;
  const transactionalId = `${topic}.tx`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const zombie = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 2, initialRetryTime: 50 } });
  try {
    await zombie.connect();
    const open = await zombie.transaction();
    await open.send({ topic, messages: [{ value: 'written by the old owner' }] });

    await fence(kafka, transactionalId);

    await assert.rejects(open.commit(), (err: Error) => /epoch|fenced|INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/i.test(`${err.name} ${err.message} ${String((err as { type?: unknown }).type)}`));
    const consumer = kafka.consumer({ groupId: `${topic}.reader`, readUncommitted: false, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await consumer.disconnect();
    assert.deepEqual(seen, [], 'nothing of the fenced transaction is visible to committed readers');
  } finally {
    await zombie.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});
