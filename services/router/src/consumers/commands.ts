import { randomUUID } from 'node:crypto';
import type { Admin, EachBatchPayload, Message, TopicMessages } from 'kafkajs';
import { decodeCommand, encodeDelivery, encodeEvent, type Codec, type Command, type Event } from '@switchboard/schemas';
import { partitionFor, type TopicNames } from '@switchboard/kafka';
import type { Presence, SessionLocation } from '@switchboard/presence';
import { createHopTimer, HOP_HEADERS, readStamp, stampNow, type Logger, type MetricsRegistry } from '@switchboard/telemetry';
import { applyEvent } from '../internal/conversationState';
import { decide } from '../internal/decide';
import { batchDeliveries, type PlannedDelivery } from '../internal/batchDeliveries';
import { chunkMessages } from '../internal/chunkMessages';
import { blockOf } from '../internal/partitionBlocks';
import { eventRecipients, planDeliveries, usersOf, type Outcome } from '../internal/plan';
import { createTransactionBatcher, type TransactionBatcher } from '../internal/transactionBatcher';
import type { BlockOwner } from '../storage/blockOwner';

export interface CommandHandlerDeps {
  admin: Admin;
  codec: Codec;
  topics: TopicNames;
  groupId: string;
  deliveriesPartitions: number;
  blockSize: number;
  /** Where users' sessions are; only its sessionsOf is used. */
  presence: Pick<Presence, 'sessionsOf'>;
  owners: {
    get(block: number): Promise<BlockOwner>;
    drop(block: number, expected?: BlockOwner): Promise<void>;
    /** Whether `owner` still holds its block (it was not dropped or replaced). */
    holds(owner: BlockOwner): boolean;
  };
  seek: (partition: number, offset: number) => void;
  maxGroupSize: number;
  recentCapacity: number;
  logger: Logger;
  metrics: MetricsRegistry;
  now?: () => number;
}

/** Decided commands that may wait for their transactions before the consumer stops fetching more. */
export const MAX_UNCOMMITTED_COMMANDS = 5_000;

/** What one fetched batch contributes to its block's transaction. */
interface BatchPart {
  partition: number;
  outcomes: Outcome[];
  /** The batch's first offset: where to read again if its transaction fails. */
  firstOffset: string;
  /** The offset the consumer group resumes from once the transaction commits. */
  nextOffset: string;
  /**
   * Where the recipients' sessions are, asked of presence as soon as the batch is decided, so that
   * the read overlaps the transaction ahead instead of delaying this one.
   */
  sessions: Promise<ReadonlyMap<string, SessionLocation[]>>;
}

/** The command handler: one call per fetched batch; `drain` waits for the transactions still committing. */
export interface CommandHandler {
  (payload: EachBatchPayload): Promise<void>;
  drain(): Promise<void>;
}

/**
 * The router's consume-sequence-produce step. Every command of a fetched batch is decided against
 * the partition's state at once; the batches of a block that are ready together then go into one
 * Kafka transaction with their events, their deliveries and their consumer offsets. Either all of
 * it becomes visible or none of it does; on any failure the block's in-memory state is discarded
 * and rebuilt from the log before the batches are retried from their committed offsets.
 *
 * The router does not wait idle on the broker: once a round is decided and queued for its
 * transaction, the consumer fetches and decides the next rounds while that transaction commits;
 * what arrives meanwhile goes into the next transaction together. Only when more than
 * MAX_UNCOMMITTED_COMMANDS wait does a round wait for the transaction ahead of it. A round decided
 * on state that includes a transaction that then fails is refused with it (see
 * transactionBatcher.ts), and its partitions are read again from their first uncommitted offsets.
 */
export function createCommandHandler(deps: CommandHandlerDeps): CommandHandler {
  const now = deps.now ?? Date.now;
  const processed = deps.metrics.counter('router_commands_total', 'Commands processed, by outcome');
  const batchLatency = deps.metrics.histogram('router_batch_ms', 'Time to decide one batch and queue it for its transaction');
  const transactionLatency = deps.metrics.histogram('router_transaction_ms', 'Time to commit one transaction, from its start (the presence read it waits for included)');
  const partitionsPerTransaction = deps.metrics.histogram('router_transaction_partitions', 'Input partitions whose batches one transaction carried', [1, 2, 4, 8, 16, 32]);
  const batchers = new WeakMap<BlockOwner, TransactionBatcher<BatchPart>>();
  /** Users whose sessions the batches of this turn (one fetch round) asked for, read together. */
  let roundUsers: Set<string> | undefined;
  let roundRead: Promise<ReadonlyMap<string, SessionLocation[]>> | undefined;

  /** One presence read for all the batches of a fetch round, as soon as the round is decided. */
  function sessionsOfRound(users: readonly string[]): Promise<ReadonlyMap<string, SessionLocation[]>> {
    if (!roundUsers || !roundRead) {
      const gathered = (roundUsers = new Set<string>());
      roundRead = new Promise((resolve) =>
        setImmediate(() => {
          roundUsers = undefined;
          resolve(deps.presence.sessionsOf([...gathered]));
        }),
      );
    }
    for (const user of users) roundUsers.add(user);
    return roundRead;
  }

  /** Commands decided and queued for a transaction that has not committed yet. */
  let uncommitted = 0;
  /** Batchers that may still be committing, for `drain`. */
  const live = new Map<BlockOwner, TransactionBatcher<BatchPart>>();
  const hops = createHopTimer(deps.metrics);

  async function committedOffset(topic: string, partition: number): Promise<number> {
    const [committed] = await deps.admin.fetchOffsets({ groupId: deps.groupId, topics: [topic] });
    return Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }

  function batcherOf(owner: BlockOwner): TransactionBatcher<BatchPart> {
    let batcher = batchers.get(owner);
    if (!batcher) {
      batcher = createTransactionBatcher(
        (parts) => commit(owner, parts),
        (refused, err) => readAgain(owner, refused, err),
      );
      batchers.set(owner, batcher);
      // A new owner: batchers of owners that no longer hold their block have nothing left to commit.
      for (const old of live.keys()) if (!deps.owners.holds(old)) live.delete(old);
      live.set(owner, batcher);
    }
    return batcher;
  }

  /**
   * A transaction failed: its batches and those queued behind it were consumed (their offsets
   * resolved) but not committed. While this owner still holds the block, each of their partitions
   * is sent back to the first of its refused batches, and the owner is dropped; the next owner
   * checks every position against the committed offset before it decides anything (a commit that
   * only seemed to fail moves it forward again). An owner already replaced leaves positions to
   * the new one.
   */
  function readAgain(owner: BlockOwner, refused: readonly BatchPart[], err: unknown): void {
    deps.logger.warn('transaction failed; rebuilding the state of its partitions before reading them again', { block: owner.block, err });
    if (deps.owners.holds(owner)) {
      const from = new Map<number, string>();
      for (const part of refused) if (!from.has(part.partition)) from.set(part.partition, part.firstOffset);
      for (const [partition, offset] of from) {
        try {
          deps.seek(partition, Number(offset));
        } catch (seekErr) {
          deps.logger.warn('could not seek back after a failed transaction; the consumer restarts from the committed offsets', { partition, err: seekErr });
        }
      }
    }
    void deps.owners.drop(owner.block, owner);
  }

  async function commit(owner: BlockOwner, parts: readonly BatchPart[]): Promise<void> {
    const started = now();
    const outcomes = parts.flatMap((p) => p.outcomes);
    // The batches of one fetch round share one read: each read is merged once.
    const reads = await Promise.all(new Set(parts.map((p) => p.sessions)));
    const sessions = reads.length === 1 ? reads[0]! : new Map(reads.flatMap((found) => [...found]));
    const eventMessages: Message[] = [];
    const encoded = new Map<Event, Buffer>();
    for (const part of parts) {
      for (const o of part.outcomes) {
        if (o.decision.outcome !== 'events') continue;
        for (const event of o.decision.events) {
          const value = encodeEvent(deps.codec, event);
          encoded.set(event, value);
          eventMessages.push({
            key: event.conversationId,
            value,
            partition: part.partition,
            headers: { 'event-type': event.body.type, 'conversation-id': event.conversationId, ...(event.traceparent ? { traceparent: event.traceparent } : {}) },
          });
        }
      }
    }
    const planned: PlannedDelivery[] = [];
    for (const outcome of outcomes) {
      const receivedAt = outcome.stamps?.received ?? null;
      const decidedAt = outcome.stamps?.decided ?? null;
      for (const delivery of planDeliveries([outcome], sessions)) planned.push({ delivery, receivedAt, decidedAt });
    }
    const deliveryMessages: Message[] = batchDeliveries(planned, (event) => encoded.get(event) ?? encodeEvent(deps.codec, event)).map((d) => ({
      key: d.gatewayId,
      value: encodeDelivery(deps.codec, d),
      partition: partitionFor(d.gatewayId, deps.deliveriesPartitions),
      headers: { 'gateway-id': d.gatewayId, 'delivery-type': d.body.type },
    }));

    const tx = await owner.producer.transaction();
    try {
      const topicMessages: TopicMessages[] = [];
      if (eventMessages.length > 0) topicMessages.push({ topic: deps.topics.events, messages: eventMessages });
      if (deliveryMessages.length > 0) topicMessages.push({ topic: deps.topics.deliveries, messages: deliveryMessages });
      for (const send of chunkMessages(topicMessages)) await tx.sendBatch({ topicMessages: send, acks: -1 });
      await tx.sendOffsets({
        consumerGroupId: deps.groupId,
        topics: [{ topic: deps.topics.commands, partitions: parts.map((p) => ({ partition: p.partition, offset: p.nextOffset })) }],
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
    const committed = stampNow();
    for (const o of outcomes) hops.observe('router_commit', o.stamps?.decided, committed);
    transactionLatency.observe(now() - started);
    partitionsPerTransaction.observe(parts.length);
  }

  async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const started = now();
    const block = blockOf(batch.partition, deps.blockSize);
    const owner = await deps.owners.get(block);
    if (!owner.positionChecked.has(batch.partition)) {
      // A previous owner may have committed after this consumer fetched its starting offset.
      owner.positionChecked.add(batch.partition);
      const committed = await committedOffset(batch.topic, batch.partition);
      const first = Number(batch.firstOffset() ?? -1);
      if (committed >= 0 && first !== committed) {
        deps.logger.info('repositioning to the committed offset', { partition: batch.partition, from: first, to: committed });
        deps.seek(batch.partition, committed);
        return;
      }
    }
    const batcher = batcherOf(owner);
    if (batcher.failed()) throw new Error(`block ${block}: a transaction of its current owner failed; the batch is read again`);

    const outcomes: Outcome[] = [];
    const fetched = stampNow();
    for (const message of batch.messages) {
      const command = decodeOrSkip(message.value, message.offset);
      if (!command) continue;
      const received = readStamp(message.headers?.[HOP_HEADERS.received]);
      const state = owner.states.get(command.conversationId);
      const decision = decide(state, command, { now: now(), newMessageId: randomUUID, maxGroupSize: deps.maxGroupSize });
      const recipients: string[][] = [];
      if (decision.outcome === 'events') {
        let next = state;
        for (const event of decision.events) {
          next = applyEvent(next, event, deps.recentCapacity);
          recipients.push(eventRecipients(next, event));
        }
        owner.states.set(command.conversationId, next!);
      }
      const decided = stampNow();
      hops.observe('command_to_router', received, fetched);
      hops.observe('router_decide', fetched, decided);
      outcomes.push({ command, decision, recipients, stamps: { received, fetched, decided } });
      processed.inc({ outcome: decision.outcome === 'reply' && decision.error ? decision.error.code : decision.outcome });
    }

    const lastOffset = batch.lastOffset();
    const ahead = batcher.inFlight();
    const sessions = sessionsOfRound(usersOf(outcomes));
    // A failed read fails the transaction that awaits it; until then it must not count as unhandled.
    sessions.catch(() => undefined);
    const committed = batcher.submit({ partition: batch.partition, outcomes, firstOffset: batch.firstOffset() ?? lastOffset, nextOffset: String(Number(lastOffset) + 1), sessions });
    uncommitted += outcomes.length;
    // Failures are handled by readAgain, which hears of every refused part at once.
    committed.then(
      () => void (uncommitted -= outcomes.length),
      () => void (uncommitted -= outcomes.length),
    );
    payload.resolveOffset(lastOffset);
    batchLatency.observe(now() - started);
    // The next round is fetched while this one waits for its transaction; only when decided but
    // uncommitted commands pile up (a slow broker) does the consumer wait for the transaction ahead.
    if (uncommitted > MAX_UNCOMMITTED_COMMANDS) await ahead;
    if (batcher.failed()) throw new Error(`block ${block}: the transaction ahead of this batch failed; it is read again`);
    await payload.heartbeat();
  }

  return Object.assign(handleBatch, {
    async drain(): Promise<void> {
      await Promise.all([...live.values()].map((b) => b.idle()));
    },
  });

  function decodeOrSkip(value: Buffer | null, offset: string): Command | undefined {
    if (!value) return undefined;
    try {
      return decodeCommand(deps.codec, value);
    } catch (err) {
      deps.logger.error('skipping a command that cannot be decoded', { offset, err });
      processed.inc({ outcome: 'undecodable' });
      return undefined;
    }
  }
}
