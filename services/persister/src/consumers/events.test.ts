import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EachBatchPayload } from 'kafkajs';
import { createCodec, encodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { createDatabaseHealth } from '../internal/databaseHealth';
import { createPartitionPositions } from '../internal/partitionPositions';
import { createProgressSignal } from '../internal/progressSignal';
import { sent } from '../internal/testEvents';
import type { ProjectionResult, ProjectionWriter } from '../storage/interface';
import { createPersisterMetrics } from '../telemetry';
import type { PartitionOffset } from '../types/projection';
import { createEventsBatchHandler } from './events';

const TOPIC = 'ns.events.v1';
const codec = createCodec(loadFileCatalog());

/** A fake database that logs what happens, in order, and fails while told to. */
function fakeStore() {
  const log: string[] = [];
  const rounds: { events: readonly Event[]; offsets: readonly PartitionOffset[] }[] = [];
  const state = { failing: false };
  const store: ProjectionWriter = {
    async projectRound(events, offsets) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (state.failing) {
        log.push(`rollback ${offsets.map((o) => o.partition).join(',')}`);
        throw new Error('the database went away');
      }
      rounds.push({ events, offsets });
      log.push(`commit ${offsets.map((o) => o.partition).join(',')}`);
      const result: ProjectionResult = { stored: events.length, duplicates: 0, receipts: 0, lastSeqs: new Map() };
      return result;
    },
    // Each partition's stored position is where its first batch starts, so no batch is repositioned.
    nextOffset: async (_topic, partition) => partition * 100,
    nextOffsets: async () => new Map(),
  };
  return { store, log, rounds, state };
}

/** A batch of `count` message events of one conversation per partition, starting at offset partition × 100. */
function fakeBatch(log: string[], partition: number, count: number): EachBatchPayload {
  const first = partition * 100;
  const conversation = `dm.${String(partition).padStart(32, '0')}`;
  const messages = Array.from({ length: count }, (_, i) => ({
    offset: String(first + i),
    key: Buffer.from(conversation),
    value: encodeEvent(codec, sent(conversation, i + 1, 'alice', `text ${i + 1}`, 'bob')),
    timestamp: '0',
    attributes: 0,
    headers: {},
  }));
  const batch = {
    topic: TOPIC,
    partition,
    highWatermark: String(first + count + 10),
    messages,
    isEmpty: () => messages.length === 0,
    firstOffset: () => messages[0]?.offset ?? null,
    lastOffset: () => String(first + count - 1),
  };
  return {
    batch,
    resolveOffset: (offset: string) => void log.push(`resolve ${partition}@${offset}`),
    commitOffsetsIfNecessary: async (offsets?: { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => {
      log.push(`kafka ${offsets?.topics.flatMap((t) => t.partitions.map((p) => `${p.partition}@${p.offset}`)).join(',')}`);
    },
    heartbeat: async () => undefined,
    uncommittedOffsets: () => ({ topics: [] }),
    isRunning: () => true,
    isStale: () => false,
    pause: () => () => undefined,
  } as unknown as EachBatchPayload;
}

function handlerOver(store: ProjectionWriter) {
  const registry = createMetrics();
  const health = createDatabaseHealth();
  const handle = createEventsBatchHandler({
    codec,
    store,
    positions: createPartitionPositions(),
    seek: () => assert.fail('no batch should be repositioned'),
    progress: createProgressSignal(),
    health,
    logger: createLogger('persister', 'error', {}, () => undefined),
    metrics: createPersisterMetrics(registry),
  });
  return { handle, registry, health };
}

test('the batches of one round go into one transaction, and are resolved and committed to Kafka only after it', async () => {
  const { store, log, rounds } = fakeStore();
  const { handle, registry } = handlerOver(store);
  await Promise.all([handle(fakeBatch(log, 0, 3)), handle(fakeBatch(log, 1, 2)), handle(fakeBatch(log, 2, 4))]);

  assert.equal(rounds.length, 1);
  assert.deepEqual(rounds[0]!.offsets, [
    { topic: TOPIC, partition: 0, nextOffset: 3 },
    { topic: TOPIC, partition: 1, nextOffset: 102 },
    { topic: TOPIC, partition: 2, nextOffset: 204 },
  ]);
  assert.deepEqual(
    rounds[0]!.events.map((e) => [e.conversationId.slice(-1), e.seq]),
    [
      ['0', 1], ['0', 2], ['0', 3],
      ['1', 1], ['1', 2],
      ['2', 1], ['2', 2], ['2', 3], ['2', 4],
    ],
  );
  assert.deepEqual(log, ['commit 0,1,2', 'resolve 0@2', 'resolve 1@101', 'resolve 2@203', 'kafka 0@3,1@102,2@204']);
  const metrics = registry.render();
  assert.match(metrics, /persister_batches_total\{outcome="projected"\} 3\n/);
  assert.match(metrics, /persister_round_partitions_count 1\n/);
  assert.match(metrics, /persister_events_total\{result="stored"\} 9\n/);
});

test('a failed round fails each of its batches, resolves and commits nothing, and is projected whole when fetched again', async () => {
  const { store, log, rounds, state } = fakeStore();
  const { handle, registry, health } = handlerOver(store);
  state.failing = true;
  const outcomes = await Promise.allSettled([handle(fakeBatch(log, 0, 3)), handle(fakeBatch(log, 1, 2))]);
  assert.deepEqual(
    outcomes.map((o) => o.status === 'rejected' && (o.reason as Error).message),
    ['the database went away', 'the database went away'],
  );
  assert.deepEqual(log, ['rollback 0,1']);
  assert.equal(health.problem(), 'the database went away');
  assert.match(registry.render(), /persister_batches_total\{outcome="failed"\} 2\n/);

  state.failing = false;
  log.length = 0;
  await Promise.all([handle(fakeBatch(log, 0, 3)), handle(fakeBatch(log, 1, 2))]);
  assert.deepEqual(log, ['commit 0,1', 'resolve 0@2', 'resolve 1@101', 'kafka 0@3,1@102']);
  assert.equal(rounds.length, 1);
  assert.equal(rounds[0]!.events.length, 5);
  assert.equal(health.problem(), undefined);
});

test('a batch that arrives while a round is being written goes into the next round', async () => {
  const { store, log, rounds } = fakeStore();
  const { handle } = handlerOver(store);
  const first = handle(fakeBatch(log, 0, 1));
  await new Promise((resolve) => setTimeout(resolve, 1));
  const second = handle(fakeBatch(log, 1, 1));
  await Promise.all([first, second]);
  assert.deepEqual(
    rounds.map((r) => r.offsets.map((o) => o.partition)),
    [[0], [1]],
  );
});
