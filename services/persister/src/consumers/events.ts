import type { EachBatchPayload } from 'kafkajs';
import { decodeEvent, type Codec, type Event } from '@switchboard/schemas';
import type { Logger } from '@switchboard/telemetry';
import type { DatabaseHealth } from '../internal/databaseHealth';
import type { PartitionPositions } from '../internal/partitionPositions';
import type { ProgressSignal } from '../internal/progressSignal';
import { replaceNulCharacters } from '../internal/replaceNulCharacters';
import { createRoundBatcher } from '../internal/roundBatcher';
import type { ProjectionResult, ProjectionWriter } from '../storage/interface';
import type { PersisterMetrics } from '../telemetry';
import type { PartitionOffset } from '../types/projection';

export interface EventsHandlerDeps {
  codec: Codec;
  store: ProjectionWriter;
  positions: PartitionPositions;
  seek: (partition: number, offset: number) => void;
  progress: ProgressSignal;
  health: DatabaseHealth;
  logger: Logger;
  metrics: PersisterMetrics;
  now?: () => number;
}

/** One partition's batch, as it goes into its round's transaction. */
interface RoundPart {
  payload: EachBatchPayload;
  events: Event[];
  /** The partition's next offset once the batch is stored. */
  position: PartitionOffset;
  /** The batch's last offset, a trailing transaction marker included. */
  lastOffset: string;
}

/**
 * Projects the events topic one fetch round at a time. kafkajs hands the batches of a round (one
 * per partition) to this handler together; each is decoded on its own, then all of them are
 * written in one Postgres transaction with every partition's next offset. Only after that commit
 * are the offsets resolved, and committed to Kafka in one request, where they serve lag monitoring
 * and nothing else. A database failure rolls the whole round back and fails each of its batches,
 * so the consumer client fetches all of them again.
 */
export function createEventsBatchHandler(deps: EventsHandlerDeps): (payload: EachBatchPayload) => Promise<void> {
  const now = deps.now ?? Date.now;
  const projectInRound = createRoundBatcher<RoundPart, ProjectionResult>(projectRound);

  async function projectRound(parts: readonly RoundPart[]): Promise<ProjectionResult> {
    const positions = parts.map((p) => p.position);
    let result: ProjectionResult;
    try {
      result = await deps.store.projectRound(parts.flatMap((p) => p.events), positions);
      deps.health.succeeded();
    } catch (err) {
      deps.health.failed(err);
      deps.logger.warn('projecting a round failed; its batches will be fetched again', { partitions: positions.map((p) => p.partition), err });
      throw err;
    }
    deps.metrics.roundPartitions.observe(parts.length);
    deps.metrics.events.inc({ result: 'stored' }, result.stored);
    deps.metrics.events.inc({ result: 'duplicate' }, result.duplicates);
    deps.metrics.events.inc({ result: 'receipt' }, result.receipts);
    deps.progress.notify(result.lastSeqs.keys());

    for (const part of parts) part.payload.resolveOffset(part.lastOffset);
    try {
      await parts[0]?.payload.commitOffsetsIfNecessary({ topics: byTopic(positions) });
    } catch (err) {
      // The database already holds the positions; a missed Kafka commit only delays the lag figure.
      deps.logger.debug('committing the offsets to Kafka failed', { positions, err });
    }
    return result;
  }

  return async function handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const firstOffset = batch.firstOffset();
    if (batch.isEmpty() || firstOffset === null) return;
    const { topic, partition } = batch;

    const decision = await deps.positions.decide(partition, Number(firstOffset), () => deps.store.nextOffset(topic, partition));
    if (decision.action === 'seek') {
      deps.logger.info('moving to the position stored with the projection', { partition, from: Number(firstOffset), to: decision.offset });
      deps.metrics.batches.inc({ outcome: 'repositioned' });
      deps.seek(partition, decision.offset);
      return;
    }

    // lastOffset() includes a trailing transaction marker, so the stored position skips it too.
    const lastOffset = batch.lastOffset();
    const nextOffset = Number(lastOffset) + 1;
    const started = now();
    try {
      await projectInRound({ payload, events: decodeAll(batch.messages), position: { topic, partition, nextOffset }, lastOffset });
    } catch (err) {
      deps.metrics.batches.inc({ outcome: 'failed' });
      throw err;
    }
    deps.metrics.batchMs.observe(now() - started);
    deps.metrics.batches.inc({ outcome: 'projected' });
    deps.metrics.lag.set(Math.max(0, Number(batch.highWatermark) - nextOffset), { partition: String(partition) });
    await payload.heartbeat();
  };

  function decodeAll(messages: EachBatchPayload['batch']['messages']): Event[] {
    const events: Event[] = [];
    for (const message of messages) {
      if (!message.value) continue;
      try {
        events.push(replaceNulCharacters(decodeEvent(deps.codec, message.value)));
      } catch (err) {
        // A record that cannot be decoded never will be; stopping the partition for it would stop every conversation on it.
        deps.metrics.events.inc({ result: 'undecodable' });
        deps.logger.error('skipping an event that cannot be decoded', { offset: message.offset, err });
      }
    }
    return events;
  }
}

function byTopic(positions: readonly PartitionOffset[]): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, nextOffset } of positions) {
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = []));
    partitions.push({ partition, offset: String(nextOffset) });
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
