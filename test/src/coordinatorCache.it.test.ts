import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { createKafka, createPartitionReader, producerWithCoordinatorCache } from '@switchboard/kafka';
import { BROKERS } from './helpers/platform';
import { randomName } from './helpers/random';

type Variant = 'plain' | 'cached';

const RETRY = { initialRetryTime: 2, multiplier: 1.2, maxRetryTime: 5_000, retries: 40 };

function makeProducer(kafka: Kafka, variant: Variant, transactionalId: string): Producer {
  const config: ProducerConfig = { transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: RETRY };
  return variant === 'cached' ? producerWithCoordinatorCache(kafka, config).producer : kafka.producer(config);
}

/** Requests the producer sent, by API name (kafkajs calls FindCoordinator, API key 10, GroupCoordinator). */
function countRequests(producer: Producer): Map<string, number> {
  const counts = new Map<string, number>();
  producer.on(producer.events.REQUEST, ({ payload }) => {
    const api = payload.apiKey === 10 ? 'FindCoordinator' : payload.apiName;
    counts.set(api, (counts.get(api) ?? 0) + 1);
  });
  return counts;
}

async function committedValues(kafka: Kafka, topic: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const high = Number((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)!.high);
  await admin.disconnect();
  const reader = createPartitionReader({ kafka, topic, groupPrefix: randomName('coord-reader-') });
  await reader.start();
  try {
    const values: string[] = [];
    await reader.read({ partition: 0, from: 0, to: high }, (m) => void values.push(m.value!.toString()));
    return values;
  } finally {
    await reader.stop();
  }
}

async function groupOffset(kafka: Kafka, groupId: string, topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets?.partitions.find((p) => p.partition === 0)?.offset;
  } finally {
    await admin.disconnect();
  }
}

/** Six consume-produce transactions (one record and the consumed offset each); every third is aborted. */
async function transactions(kafka: Kafka, variant: Variant, topic: string, group: string) {
  const producer = makeProducer(kafka, variant, randomName(`tx-coord-${variant}-`));
  const requests = countRequests(producer);
  await producer.connect();
  try {
    for (let i = 0; i < 6; i++) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ partition: 0, value: `${variant}-${i}` }] });
      await tx.sendOffsets({ consumerGroupId: group, topics: [{ topic: `${topic}.in`, partitions: [{ partition: 0, offset: String(i + 1) }] }] });
      if (i % 3 === 2) await tx.abort();
      else await tx.commit();
    }
  } finally {
    await producer.disconnect();
  }
  return { requests, values: await committedValues(kafka, topic), offset: await groupOffset(kafka, group, `${topic}.in`) };
}

/** An older producer of a transactional id is fenced when a newer one initialises it: its commit fails. */
async function zombie(kafka: Kafka, variant: Variant, topic: string) {
  const transactionalId = randomName(`tx-zombie-${variant}-`);
  const older = makeProducer(kafka, variant, transactionalId);
  const newer = makeProducer(kafka, variant, transactionalId);
  await older.connect();
  await newer.connect();
  try {
    const olderTx = await older.transaction();
    await olderTx.send({ topic, messages: [{ partition: 0, value: `${variant}-zombie` }] });
    const newerTx = await newer.transaction();
    await newerTx.send({ topic, messages: [{ partition: 0, value: `${variant}-successor` }] });
    const failure = await olderTx.commit().then(
      () => undefined,
      (err: unknown) => err as { type?: string; name?: string },
    );
    await newerTx.commit();
    return { failure: failure && (failure.type ?? failure.name), values: await committedValues(kafka, topic) };
  } finally {
    await older.disconnect().catch(() => undefined);
    await newer.disconnect();
  }
}

test('a transactional producer with cached coordinators commits, aborts and is fenced as one without, with fewer FindCoordinator requests', { timeout: 180_000 }, async (t) => {
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'coordinator-cache-it' });
  const prefix = randomName('t-coord-');
  const topics = ['plain', 'cached', 'plain-zombie', 'cached-zombie', 'plain.in', 'cached.in'].map((t) => `${prefix}.${t}`);
  const groups = [randomName('g-coord-plain-'), randomName('g-coord-cached-')];
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true });
  try {
    const plain = await transactions(kafka, 'plain', `${prefix}.plain`, groups[0]!);
    const cached = await transactions(kafka, 'cached', `${prefix}.cached`, groups[1]!);

    const expected = (variant: Variant) => [0, 1, 3, 4].map((i) => `${variant}-${i}`);
    assert.deepEqual(plain.values, expected('plain'), 'without the cache: aborted transactions are invisible');
    assert.deepEqual(cached.values, expected('cached'), 'with the cache: the same');
    assert.equal(plain.offset, '5', 'the offsets of the last committed transaction, not those of the aborted one after it');
    assert.equal(cached.offset, '5');

    const count = (r: Map<string, number>, api: string) => r.get(api) ?? 0;
    for (const r of [plain.requests, cached.requests]) {
      for (const api of ['AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn', 'Produce']) assert.equal(count(r, api), 6, api);
      // More when the broker answers CONCURRENT_TRANSACTIONS while the last markers are written.
      assert.ok(count(r, 'AddPartitionsToTxn') >= 6);
    }
    // Uncached, the transactional InitProducerId and every AddPartitionsToTxn, AddOffsetsToTxn,
    // TxnOffsetCommit and EndTxn (retries included) look their coordinator up first. Cached: once
    // per coordinator type (transaction and group).
    const coordinatorRequests = ['AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn'].reduce((n, api) => n + count(plain.requests, api), 1);
    assert.equal(count(plain.requests, 'FindCoordinator'), coordinatorRequests);
    assert.equal(count(cached.requests, 'FindCoordinator'), 2);

    const plainZombie = await zombie(kafka, 'plain', `${prefix}.plain-zombie`);
    const cachedZombie = await zombie(kafka, 'cached', `${prefix}.cached-zombie`);
    t.diagnostic(`requests without the cache ${JSON.stringify([...plain.requests])}, with it ${JSON.stringify([...cached.requests])}; the fenced commit failed with ${plainZombie.failure} / ${cachedZombie.failure}`);
    assert.ok(plainZombie.failure, 'without the cache the older producer cannot commit');
    assert.equal(cachedZombie.failure, plainZombie.failure, `with the cache it fails the same way: ${cachedZombie.failure} / ${plainZombie.failure}`);
    assert.deepEqual(plainZombie.values, ['plain-successor'], 'only the successor commits');
    assert.deepEqual(cachedZombie.values, ['cached-successor'], 'only the successor commits');
  } finally {
    await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }
});
