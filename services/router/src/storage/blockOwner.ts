import type { Admin, Kafka, Producer } from 'kafkajs';
import { encodeRouterSnapshot, type Codec } from '@switchboard/schemas';
import { producerWithCoordinatorCache, type PartitionReader } from '@switchboard/kafka';
import type { Logger } from '@switchboard/telemetry';
import type { ConversationState } from '../internal/conversationState';
import { SnapshotBook } from '../internal/snapshotBook';
import { restorePartition, type OffsetRange } from './restorePartition';

/** Everything the router holds for one block of input partitions (see partitionBlocks.ts) while it owns it. */
export interface BlockOwner {
  readonly block: number;
  readonly partitions: readonly number[];
  readonly producer: Producer;
  /** State of every conversation of the block's partitions (a conversation lives in one partition). */
  readonly states: Map<string, ConversationState>;
  /** Partitions whose consumer position was checked against the committed offset since claiming. */
  readonly positionChecked: Set<number>;
  /** What to snapshot and when; absent when snapshots are off. */
  readonly snapshots?: SnapshotBook;
}

export interface SnapshotSettings {
  reader: PartitionReader;
  topic: string;
  /** See SnapshotBook: a partition is snapshotted once this many events lie after its checkpoint. */
  lagEvents: number;
  budgetBytes: number;
}

export interface ClaimDeps {
  kafka: Kafka;
  codec: Codec;
  admin: Admin;
  eventsReader: PartitionReader;
  eventsTopic: string;
  transactionalIdPrefix: string;
  blockSize: number;
  recentCapacity: number;
  /** Absent when snapshots are off: state is folded from every event, and no snapshot is written. */
  snapshots?: SnapshotSettings;
  logger: Logger;
}

/**
 * The transactional id of a block. With blocks of one partition it is the id of that partition,
 * which is what routers used before blocks existed.
 */
export function transactionalIdOf(prefix: string, block: number, blockSize: number): string {
  return blockSize === 1 ? `${prefix}.p${block}` : `${prefix}.b${blockSize}.k${block}`;
}

// The broker answers CONCURRENT_TRANSACTIONS while the previous commit's markers are being
// written, which happens on most back-to-back transactions; the client-wide 100 ms first backoff
// made that a 100-400 ms stall per batch. Retries start at 2 ms and grow slowly, with about the
// same total patience (some 15 s) as before.
const TRANSACTION_RETRY = { initialRetryTime: 2, multiplier: 1.2, maxRetryTime: 5_000, retries: 40 };

/**
 * A transactional producer that looks its coordinators up once, not before every request of
 * every transaction (libs/kafka coordinatorCache.ts): four round trips fewer per transaction.
 */
function transactionalProducer(kafka: Kafka, transactionalId: string): Producer {
  return producerWithCoordinatorCache(kafka, {
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 30_000,
    allowAutoTopicCreation: false,
    retry: TRANSACTION_RETRY,
  }).producer;
}

/**
 * Initialises a transactional id, which aborts what its last user left open and fences that user
 * out. kafkajs's connect() alone asks for a producer id without the transactional id; the id is
 * initialised by the first transaction.
 */
export async function fence(kafka: Kafka, transactionalId: string): Promise<void> {
  const producer = transactionalProducer(kafka, transactionalId);
  await producer.connect();
  try {
    const transaction = await producer.transaction();
    await transaction.abort();
  } finally {
    await producer.disconnect();
  }
}

/**
 * Claims a block of input partitions. kafkajs has no KIP-447 group fencing, so fencing comes
 * from one transactional id per block, and blocks are assigned whole (blockAssigner.ts):
 * initialising the id aborts or completes whatever a previous owner of the block left open and
 * fences that owner out. The per-partition ids of blocks of one are fenced too, so a router of
 * that scheme that was expelled from the group cannot commit once this one took over. Only after
 * that is the state read back, from the partitions' latest snapshots and the committed events after
 * their checkpoints (restorePartition.ts), so it includes everything the previous owner committed.
 */
export async function claimBlock(deps: ClaimDeps, block: number, partitions: readonly number[]): Promise<BlockOwner> {
  const started = Date.now();
  if (deps.blockSize > 1) await Promise.all(partitions.map((p) => fence(deps.kafka, transactionalIdOf(deps.transactionalIdPrefix, p, 1))));
  const producer = transactionalProducer(deps.kafka, transactionalIdOf(deps.transactionalIdPrefix, block, deps.blockSize));
  await producer.connect();
  try {
    const open = await producer.transaction();
    await open.abort();

    const snapshots = deps.snapshots;
    const [eventOffsets, snapshotOffsets, clusterId] = await Promise.all([
      deps.admin.fetchTopicOffsets(deps.eventsTopic),
      snapshots ? deps.admin.fetchTopicOffsets(snapshots.topic) : Promise.resolve(undefined),
      snapshots ? deps.admin.describeCluster().then((c) => c.clusterId) : Promise.resolve(''),
    ]);
    const rangeOf = (offsets: typeof eventOffsets, topic: string, partition: number): OffsetRange => {
      const range = offsets.find((o) => o.partition === partition);
      if (!range) throw new Error(`topic ${topic} has no partition ${partition}`);
      return { low: Number(range.low), high: Number(range.high) };
    };
    const book = snapshots
      ? new SnapshotBook({
          lagEvents: snapshots.lagEvents,
          budgetBytes: snapshots.budgetBytes,
          clusterId,
          eventsTopic: deps.eventsTopic,
          encode: (value) => encodeRouterSnapshot(deps.codec, value),
          now: Date.now,
        })
      : undefined;
    const restoreDeps = {
      codec: deps.codec,
      eventsReader: deps.eventsReader,
      eventsTopic: deps.eventsTopic,
      clusterId,
      recentCapacity: deps.recentCapacity,
      ...(snapshots ? { snapshotsReader: snapshots.reader } : {}),
    };
    // The partitions are read side by side: one consumer fetches them all together.
    const restored = await Promise.all(
      partitions.map((partition) =>
        restorePartition(
          restoreDeps,
          partition,
          {
            events: rangeOf(eventOffsets, deps.eventsTopic, partition),
            ...(snapshots && snapshotOffsets ? { snapshots: rangeOf(snapshotOffsets, snapshots.topic, partition) } : {}),
          },
          book,
        ),
      ),
    );
    const states = new Map<string, ConversationState>();
    for (const r of restored) for (const [id, state] of r.states) states.set(id, state);
    const events = restored.reduce((n, r) => n + r.events, 0);
    const snapshotRecords = restored.reduce((n, r) => n + r.snapshotRecords, 0);
    const foldedFromTheStart = partitions.filter((_, i) => restored[i]!.fullFoldReason !== undefined);
    deps.logger.info('claimed partitions', { block, partitions, conversations: states.size, snapshotRecords, events, foldedFromTheStart, ms: Date.now() - started });
    restored.forEach((r, i) => {
      if (r.fullFoldReason && r.snapshotRecords > 0) deps.logger.warn('snapshots not used; the partition was folded from its first event', { partition: partitions[i], reason: r.fullFoldReason });
    });
    return { block, partitions, producer, states, positionChecked: new Set(), ...(book ? { snapshots: book } : {}) };
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw err;
  }
}

export async function releaseBlock(owner: BlockOwner): Promise<void> {
  await owner.producer.disconnect();
}
