import type { Admin, Kafka, Producer } from 'kafkajs';
import { decodeEvent, type Codec } from '@switchboard/schemas';
import type { PartitionReader } from '@switchboard/kafka';
import type { Logger } from '@switchboard/telemetry';
import { applyEvent, type ConversationState } from '../internal/conversationState';

/** Everything the router holds for one input partition while it owns it. */
export interface PartitionOwner {
  readonly partition: number;
  readonly producer: Producer;
  readonly states: Map<string, ConversationState>;
  /** Whether the consumer's position was checked against the committed offset since claiming. */
  positionChecked: boolean;
}

export interface ClaimDeps {
  kafka: Kafka;
  codec: Codec;
  admin: Admin;
  eventsReader: PartitionReader;
  eventsTopic: string;
  transactionalIdPrefix: string;
  recentCapacity: number;
  logger: Logger;
}

/**
 * Claims an input partition. kafkajs has no KIP-447 group fencing, so fencing comes from one
 * transactional id per input partition: initialising it aborts or completes whatever a previous
 * owner left open and fences that owner out. Only after that is the state read back from the
 * partition's committed events, so it includes everything the previous owner committed.
 */
export async function claimPartition(deps: ClaimDeps, partition: number): Promise<PartitionOwner> {
  const started = Date.now();
  const producer = deps.kafka.producer({
    transactionalId: `${deps.transactionalIdPrefix}.p${partition}`,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 30_000,
    allowAutoTopicCreation: false,
    // The broker answers CONCURRENT_TRANSACTIONS while the previous commit's markers are being
    // written, which happens on most back-to-back transactions; the client-wide 100 ms first
    // backoff made that a 100-400 ms stall per batch. Retries start at 2 ms and grow slowly, with
    // about the same total patience (some 15 s) as before.
    retry: { initialRetryTime: 2, multiplier: 1.2, maxRetryTime: 5_000, retries: 40 },
  });
  await producer.connect();
  try {
    const fence = await producer.transaction();
    await fence.abort();

    const offsets = await deps.admin.fetchTopicOffsets(deps.eventsTopic);
    const range = offsets.find((o) => o.partition === partition);
    if (!range) throw new Error(`topic ${deps.eventsTopic} has no partition ${partition}`);
    const states = new Map<string, ConversationState>();
    let events = 0;
    await deps.eventsReader.read({ partition, from: Number(range.low), to: Number(range.high) }, (message) => {
      if (!message.value) return;
      const event = decodeEvent(deps.codec, message.value);
      states.set(event.conversationId, applyEvent(states.get(event.conversationId), event, deps.recentCapacity));
      events += 1;
    });
    deps.logger.info('claimed partition', { partition, conversations: states.size, events, ms: Date.now() - started });
    return { partition, producer, states, positionChecked: false };
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw err;
  }
}

export async function releasePartition(owner: PartitionOwner): Promise<void> {
  await owner.producer.disconnect();
}
