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

function handlerOver(store: ProjectionWriter, log: string[] = []) {
  const registry = createMetrics();
  const health = createDatabaseHealth();
  const pauses: number[] = [];
  const handler = createEventsBatchHandler({
    codec,
    store,
    positions: createPartitionPositions(),
    seek: (partition, offset) => void log.push(`seek ${partition}@${offset}`),
    progress: createProgressSignal(),
    health,
    logger: createLogger('persister', 'error', {}, () => undefined),
    metrics: createPersisterMetrics(registry),
    sleep: async (ms) => void pauses.push(ms),
  });
  return { handle: handler.handle, idle: handler.idle, registry, health, pauses };
}

test('the batches of one round go into one transaction, and are committed to Kafka only after it', async () => {
  const { store, log, rounds } = fakeStore();
  const { handle, idle, registry } = handlerOver(store, log);
  await Promise.all([handle(fakeBatch(log, 0, 3)), handle(fakeBatch(log, 1, 2)), handle(fakeBatch(log, 2, 4))]);
  await idle();

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
  // Resolving is in kafkajs's memory only, so the next round is fetched while this one is written.
  assert.deepEqual(log, ['resolve 0@2', 'resolve 1@101', 'resolve 2@203', 'commit 0,1,2', 'kafka 0@3,1@102,2@204']);
  const metrics = registry.render();
  assert.match(metrics, /persister_batches_total\{outcome="projected"\} 3\n/);
  assert.match(metrics, /persister_round_partitions_count 1\n/);
  assert.match(metrics, /persister_events_total\{result="stored"\} 9\n/);
});

test('a handler returns once its round is being written, before the commit', async () => {
  const { store, log } = fakeStore();
  const { handle, idle } = handlerOver(store, log);
  await handle(fakeBatch(log, 0, 2));
  assert.deepEqual(log, ['resolve 0@1'], 'returned while the round is still being written');
  await idle();
  assert.deepEqual(log, ['resolve 0@1', 'commit 0', 'kafka 0@2']);
});

test('a failed round commits nothing to Kafka, sends its partitions back to where its batches started, and is projected whole when fetched again', async () => {
  const { store, log, rounds, state } = fakeStore();
  const { handle, idle, registry, health, pauses } = handlerOver(store, log);
  state.failing = true;
  await Promise.all([handle(fakeBatch(log, 0, 3)), handle(fakeBatch(log, 1, 2))]);
  await idle();
  assert.deepEqual(log, ['resolve 0@2', 'resolve 1@101', 'rollback 0,1', 'seek 0@0', 'seek 1@100']);
  assert.equal(health.problem(), 'the database went away');
  assert.match(registry.render(), /persister_batches_total\{outcome="failed"\} 2\n/);

  state.failing = false;
  log.length = 0;
  await Promise.all([handle(fakeBatch(log, 0, 3)), handle(fakeBatch(log, 1, 2))]);
  await idle();
  assert.deepEqual(log, ['resolve 0@2', 'resolve 1@101', 'commit 0,1', 'kafka 0@3,1@102']);
  assert.equal(rounds.length, 1);
  assert.equal(rounds[0]!.events.length, 5);
  assert.equal(health.problem(), undefined);
  assert.deepEqual(pauses, [100], 'the write after a failure waits a moment');
});

test('a batch handed over while a round is being written goes into the next round, whose handler waits for the one ahead', async () => {
  const { store, log, rounds } = fakeStore();
  const { handle, idle } = handlerOver(store, log);
  await handle(fakeBatch(log, 0, 1));
  await handle(fakeBatch(log, 1, 1));
  assert.ok(log.indexOf('commit 0') >= 0 && log.indexOf('commit 0') < log.indexOf('resolve 1@100'), 'the second round started after the first committed');
  await idle();
  assert.deepEqual(
    rounds.map((r) => r.offsets.map((o) => o.partition)),
    [[0], [1]],
  );
});

test('the round gathered behind a failed one is dropped unresolved, and projected once fetched again', async () => {
  const { store, log, rounds, state } = fakeStore();
  const { handle, idle, registry } = handlerOver(store, log);
  state.failing = true;
  await handle(fakeBatch(log, 0, 2));
  const behind = handle(fakeBatch(log, 1, 2));
  await behind;
  await idle();
  assert.deepEqual(log, ['resolve 0@1', 'rollback 0', 'seek 0@0'], 'the batch behind the failed round was neither resolved nor written');
  assert.match(registry.render(), /persister_batches_total\{outcome="dropped"\} 1\n/);

  state.failing = false;
  await Promise.all([handle(fakeBatch(log, 0, 2)), handle(fakeBatch(log, 1, 2))]);
  await idle();
  assert.deepEqual(rounds.map((r) => r.offsets.map((o) => `${o.partition}@${o.nextOffset}`)), [['0@2', '1@102']]);
});
