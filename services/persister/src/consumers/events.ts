import type { EachBatchPayload } from 'kafkajs';
import { decodeEvent, type Codec, type Event } from '@switchboard/schemas';
import type { Logger } from '@switchboard/telemetry';
import type { DatabaseHealth } from '../internal/databaseHealth';
import type { PartitionPositions } from '../internal/partitionPositions';
import type { ProgressSignal } from '../internal/progressSignal';
import { replaceNulCharacters } from '../internal/replaceNulCharacters';
import { createRoundPipeline } from '../internal/roundPipeline';
import type { ProjectionWriter } from '../storage/interface';
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
  sleep?: (ms: number) => Promise<void>;
}

/** The pause before writing again after a failed round, doubling per failure in a row up to the longest. */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/** One partition's batch, as it goes into its round's transaction. */
interface RoundPart {
  payload: EachBatchPayload;
  events: Event[];
  /** The partition's next offset once the batch is stored. */
  position: PartitionOffset;
  /** Where the batch starts: a failed round is fetched again from here. */
  firstOffset: number;
  /** When the batch was handed over, for its time to commit. */
  receivedAt: number;
}

export interface EventsBatchHandler {
  /** kafkajs's eachBatch. */
  handle(payload: EachBatchPayload): Promise<void>;
  /** Resolves once no round is being written or waiting to be (for shutdown). */
  idle(): Promise<void>;
}

/**
 * Projects the events topic one fetch round at a time. kafkajs hands the batches of a round (one
 * per partition) to this handler together; each is decoded on its own, then all of them are
 * written in one Postgres transaction with every partition's next offset. The handler returns as
 * soon as its round is being written, with its offset resolved in kafkajs's memory only, so that
 * the next round is fetched and decoded meanwhile (internal/roundPipeline.ts); the position of
 * record is the one stored with the rows. Only after the commit are the offsets committed to
 * Kafka, in one request, where they serve lag monitoring and nothing else.
 *
 * A database failure rolls the whole round back; its partitions are sent back to where its
 * batches started, the round gathered behind it is dropped (it is fetched again), and every
 * partition's next batch is checked against the stored position before it is projected.
 */
export function createEventsBatchHandler(deps: EventsHandlerDeps): EventsBatchHandler {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pipeline = createRoundPipeline<RoundPart>(projectRound, roundFailed);
  let failedInARow = 0;

  async function projectRound(parts: readonly RoundPart[]): Promise<void> {
    // The consumer does not back off by itself any more (the handlers returned before the
    // failure), so a database that keeps failing is retried at a growing pause.
    if (failedInARow > 0) await sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (failedInARow - 1)));
    const positions = parts.map((p) => p.position);
    const result = await deps.store.projectRound(
      parts.flatMap((p) => p.events),
      positions,
    );
    failedInARow = 0;
    deps.health.succeeded();
    deps.metrics.roundPartitions.observe(parts.length);
    deps.metrics.events.inc({ result: 'stored' }, result.stored);
    deps.metrics.events.inc({ result: 'duplicate' }, result.duplicates);
    deps.metrics.events.inc({ result: 'receipt' }, result.receipts);
    deps.progress.notify(result.lastSeqs.keys());
    const committedAt = now();
    for (const part of parts) {
      deps.metrics.batchMs.observe(committedAt - part.receivedAt);
      deps.metrics.batches.inc({ outcome: 'projected' });
      deps.metrics.lag.set(Math.max(0, Number(part.payload.batch.highWatermark) - part.position.nextOffset), { partition: String(part.position.partition) });
    }
    try {
      await parts[0]?.payload.commitOffsetsIfNecessary({ topics: byTopic(positions) });
    } catch (err) {
      // The database already holds the positions; a missed Kafka commit only delays the lag figure.
      deps.logger.debug('committing the offsets to Kafka failed', { positions, err });
    }
  }

  function roundFailed(err: unknown, parts: readonly RoundPart[]): void {
    failedInARow++;
    deps.health.failed(err);
    deps.metrics.batches.inc({ outcome: 'failed' }, parts.length);
    deps.logger.warn('projecting a round failed; its batches will be fetched again', { partitions: parts.map((p) => p.position.partition), err });
    // Batches handed over since were read past this round: each partition's next batch is
    // checked against the stored position first.
    deps.positions.reset();
    for (const part of parts) {
      try {
        deps.seek(part.position.partition, part.firstOffset);
      } catch (seekError) {
        // A consumer that is not running (stopping, or restarting after a crash) starts again from
        // Kafka's committed offset, which never passes the stored one, and rechecks it.
        deps.logger.warn('could not send a partition back after a failed round', { partition: part.position.partition, err: seekError });
      }
    }
  }

  async function handle(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const firstOffset = batch.firstOffset();
    if (batch.isEmpty() || firstOffset === null) return;
    const { topic, partition } = batch;

    // Read before the position is accepted: a round failing after this makes the batch stale.
    const generation = pipeline.generation();
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
    const { started, committed } = pipeline.submit(
      { payload, events: decodeAll(batch.messages), position: { topic, partition, nextOffset }, firstOffset: Number(firstOffset), receivedAt: now() },
      generation,
    );
    if (!(await started)) {
      // A round before it failed; not resolved, so the consumer fetches the batch again.
      deps.metrics.batches.inc({ outcome: 'dropped' });
      return;
    }
    payload.resolveOffset(lastOffset);
    // A stopping consumer waits for its handlers only: this one holds it until the round is stored.
    if (!payload.isRunning()) await committed;
    await payload.heartbeat();
  }

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

  return { handle, idle: () => pipeline.idle() };
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
