import type { Admin, Kafka, Producer } from 'kafkajs';
import { decodeEvent, type Codec } from '@switchboard/schemas';
import { producerWithCoordinatorCache, type PartitionReader } from '@switchboard/kafka';
import type { Logger } from '@switchboard/telemetry';
import { applyEvent, type ConversationState } from '../internal/conversationState';

/** Everything the router holds for one block of input partitions (see partitionBlocks.ts) while it owns it. */
export interface BlockOwner {
  readonly block: number;
  readonly partitions: readonly number[];
  readonly producer: Producer;
  /** State of every conversation of the block's partitions (a conversation lives in one partition). */
  readonly states: Map<string, ConversationState>;
  /** Partitions whose consumer position was checked against the committed offset since claiming. */
  readonly positionChecked: Set<number>;
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
 * that is the state read back from the partitions' committed events, so it includes everything
 * the previous owner committed.
 */
export async function claimBlock(deps: ClaimDeps, block: number, partitions: readonly number[]): Promise<BlockOwner> {
  const started = Date.now();
  if (deps.blockSize > 1) await Promise.all(partitions.map((p) => fence(deps.kafka, transactionalIdOf(deps.transactionalIdPrefix, p, 1))));
  const producer = transactionalProducer(deps.kafka, transactionalIdOf(deps.transactionalIdPrefix, block, deps.blockSize));
  await producer.connect();
  try {
    const open = await producer.transaction();
    await open.abort();

    const offsets = await deps.admin.fetchTopicOffsets(deps.eventsTopic);
    const states = new Map<string, ConversationState>();
    let events = 0;
    for (const partition of partitions) {
      const range = offsets.find((o) => o.partition === partition);
      if (!range) throw new Error(`topic ${deps.eventsTopic} has no partition ${partition}`);
      await deps.eventsReader.read({ partition, from: Number(range.low), to: Number(range.high) }, (message) => {
        if (!message.value) return;
        const event = decodeEvent(deps.codec, message.value);
        states.set(event.conversationId, applyEvent(states.get(event.conversationId), event, deps.recentCapacity));
        events += 1;
      });
    }
    deps.logger.info('claimed partitions', { block, partitions, conversations: states.size, events, ms: Date.now() - started });
    return { block, partitions, producer, states, positionChecked: new Set() };
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw err;
  }
}

export async function releaseBlock(owner: BlockOwner): Promise<void> {
  await owner.producer.disconnect();
}
