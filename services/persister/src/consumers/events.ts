import type { EachBatchPayload } from 'kafkajs';
import { decodeEvent, type Codec, type Event } from '@switchboard/schemas';
import type { Logger } from '@switchboard/telemetry';
import type { DatabaseHealth } from '../internal/databaseHealth';
import type { PartitionPositions } from '../internal/partitionPositions';
import type { ProgressSignal } from '../internal/progressSignal';
import { replaceNulCharacters } from '../internal/replaceNulCharacters';
import type { ProjectionResult, ProjectionWriter } from '../storage/interface';
import type { PersisterMetrics } from '../telemetry';

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

/**
 * Projects one fetched batch of the events topic. The rows and the partition's next offset are
 * committed to Postgres in one transaction; only then is the offset resolved and committed to
 * Kafka, where it serves lag monitoring and nothing else. A database failure rolls the
 * transaction back and is thrown, so the consumer client fetches the same records again.
 */
export function createEventsBatchHandler(deps: EventsHandlerDeps): (payload: EachBatchPayload) => Promise<void> {
  const now = deps.now ?? Date.now;

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

    const events = decodeAll(batch.messages);
    // lastOffset() includes a trailing transaction marker, so the stored position skips it too.
    const lastOffset = batch.lastOffset();
    const nextOffset = Number(lastOffset) + 1;
    const started = now();
    let result: ProjectionResult;
    try {
      result = await deps.store.projectBatch(events, [{ topic, partition, nextOffset }]);
      deps.health.succeeded();
    } catch (err) {
      deps.health.failed(err);
      deps.metrics.batches.inc({ outcome: 'failed' });
      deps.logger.warn('projecting a batch failed; it will be fetched again', { partition, firstOffset, lastOffset, err });
      throw err;
    }
    deps.metrics.batchMs.observe(now() - started);
    deps.metrics.batches.inc({ outcome: 'projected' });
    deps.metrics.events.inc({ result: 'stored' }, result.stored);
    deps.metrics.events.inc({ result: 'duplicate' }, result.duplicates);
    deps.metrics.events.inc({ result: 'receipt' }, result.receipts);
    deps.metrics.lag.set(Math.max(0, Number(batch.highWatermark) - nextOffset), { partition: String(partition) });
    deps.progress.notify(result.lastSeqs.keys());

    payload.resolveOffset(lastOffset);
    try {
      await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(nextOffset) }] }] });
    } catch (err) {
      // The database already holds the position; a missed Kafka commit only delays the lag figure.
      deps.logger.debug('committing the offset to Kafka failed', { partition, nextOffset, err });
    }
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
