import { randomUUID } from 'node:crypto';
import type { Admin, EachBatchPayload, Message } from 'kafkajs';
import { decodeCommand, encodeDelivery, encodeEvent, type Codec, type Command } from '@switchboard/schemas';
import { partitionFor, type TopicNames } from '@switchboard/kafka';
import type { Presence } from '@switchboard/presence';
import type { Logger, MetricsRegistry } from '@switchboard/telemetry';
import { applyEvent } from '../internal/conversationState';
import { decide } from '../internal/decide';
import { eventRecipients, planDeliveries, usersOf, type Outcome } from '../internal/plan';
import type { PartitionOwner } from '../storage/partitionOwner';

export interface CommandHandlerDeps {
  admin: Admin;
  codec: Codec;
  topics: TopicNames;
  groupId: string;
  deliveriesPartitions: number;
  presence: Presence;
  owners: { get(partition: number): Promise<PartitionOwner>; drop(partition: number): Promise<void> };
  seek: (partition: number, offset: number) => void;
  maxGroupSize: number;
  recentCapacity: number;
  logger: Logger;
  metrics: MetricsRegistry;
  now?: () => number;
}

/**
 * The router's consume-sequence-produce step for one fetched batch: decide every command against
 * the partition's state, then write the events, the deliveries and the consumer offset in one
 * Kafka transaction. Either all of it becomes visible or none of it does; on any failure the
 * partition's in-memory state is discarded and rebuilt from the log before the batch is retried.
 */
export function createCommandHandler(deps: CommandHandlerDeps) {
  const now = deps.now ?? Date.now;
  const processed = deps.metrics.counter('router_commands_total', 'Commands processed, by outcome');
  const batchLatency = deps.metrics.histogram('router_batch_ms', 'Time to decide and commit one batch');

  async function committedOffset(topic: string, partition: number): Promise<number> {
    const [committed] = await deps.admin.fetchOffsets({ groupId: deps.groupId, topics: [topic] });
    return Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }

  return async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    const started = now();
    const owner = await deps.owners.get(batch.partition);
    if (!owner.positionChecked) {
      // A previous owner may have committed after this consumer fetched its starting offset.
      owner.positionChecked = true;
      const committed = await committedOffset(batch.topic, batch.partition);
      const first = Number(batch.firstOffset() ?? -1);
      if (committed >= 0 && first !== committed) {
        deps.logger.info('repositioning to the committed offset', { partition: batch.partition, from: first, to: committed });
        deps.seek(batch.partition, committed);
        return;
      }
    }

    const outcomes: Outcome[] = [];
    for (const message of batch.messages) {
      const command = decodeOrSkip(message.value, message.offset);
      if (!command) continue;
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
      outcomes.push({ command, decision, recipients });
      processed.inc({ outcome: decision.outcome === 'reply' && decision.error ? decision.error.code : decision.outcome });
    }

    try {
      const sessions = await deps.presence.sessionsOf(usersOf(outcomes));
      const deliveries = planDeliveries(outcomes, sessions);
      const eventMessages: Message[] = [];
      for (const o of outcomes) {
        if (o.decision.outcome !== 'events') continue;
        for (const event of o.decision.events) {
          eventMessages.push({
            key: event.conversationId,
            value: encodeEvent(deps.codec, event),
            partition: batch.partition,
            headers: { 'event-type': event.body.type, 'conversation-id': event.conversationId, ...(event.traceparent ? { traceparent: event.traceparent } : {}) },
          });
        }
      }
      const deliveryMessages: Message[] = deliveries.map((d) => ({
        key: d.gatewayId,
        value: encodeDelivery(deps.codec, d),
        partition: partitionFor(d.gatewayId, deps.deliveriesPartitions),
        headers: { 'gateway-id': d.gatewayId, 'delivery-type': d.body.type },
      }));

      const tx = await owner.producer.transaction();
      try {
        const topicMessages = [];
        if (eventMessages.length > 0) topicMessages.push({ topic: deps.topics.events, messages: eventMessages });
        if (deliveryMessages.length > 0) topicMessages.push({ topic: deps.topics.deliveries, messages: deliveryMessages });
        if (topicMessages.length > 0) await tx.sendBatch({ topicMessages, acks: -1 });
        const lastOffset = batch.lastOffset();
        await tx.sendOffsets({
          consumerGroupId: deps.groupId,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(lastOffset) + 1) }] }],
        });
        await tx.commit();
        payload.resolveOffset(lastOffset);
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
      batchLatency.observe(now() - started);
      await payload.heartbeat();
    } catch (err) {
      deps.logger.warn('batch failed; rebuilding partition state before retrying', { partition: batch.partition, err });
      await deps.owners.drop(batch.partition);
      throw err;
    }
  };

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
