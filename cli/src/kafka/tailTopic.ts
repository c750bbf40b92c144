import type { Kafka, KafkaMessage } from 'kafkajs';

export interface PartitionWindow {
  readonly partition: number;
  /** First offset to print. */
  readonly from: number;
  /** The end offset when the tail started: reading stops there unless following. */
  readonly to: number;
}

export interface TailOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** A group id of its own, never committed to: kafkajs can only fetch as a group member. */
  readonly groupId: string;
  /** Every partition of the topic, so those not read can be paused. */
  readonly allPartitions: readonly number[];
  readonly windows: readonly PartitionWindow[];
  readonly follow: boolean;
  readonly limit?: number;
  readonly signal: AbortSignal;
  onRecord(partition: number, message: KafkaMessage): void;
  /** The next offset of a partition moved (past records, control markers or aborted records). */
  onPosition?(partition: number, next: number): void;
  /** Reading has begun: the consumer joined and sought to every window's start. */
  onReading?(): void;
}

export type TailEnd = 'end' | 'limit' | 'signal';

/**
 * Reads windows of a topic's partitions, committed records only (read_committed, as docs/topics.md
 * asks for the events topic). kafkajs has no manual assignment, so this is a consumer alone in a
 * throw-away group that pauses what it does not read, seeks each partition to its window and never
 * commits (autoCommit off, no commit call): nothing about the group outlives the command.
 * A partition is done when its position reaches the window's end, whether the last offsets were
 * records or transaction markers, so a transactional topic's tail ends too.
 */
export async function tailTopic(options: TailOptions): Promise<TailEnd> {
  const { topic, follow, limit } = options;
  const windows = new Map(options.windows.map((w) => [w.partition, w]));
  const positions = new Map(options.windows.map((w) => [w.partition, w.from]));
  const pending = new Set(options.windows.filter((w) => w.from < w.to).map((w) => w.partition));
  if ((!follow && pending.size === 0) || options.signal.aborted) return options.signal.aborted ? 'signal' : 'end';

  let printed = 0;
  let settle!: (result: TailEnd | Error) => void;
  const finished = new Promise<TailEnd | Error>((resolve) => (settle = resolve));
  let isFinished = false;
  const finish = (result: TailEnd | Error) => {
    if (isFinished) return;
    isFinished = true;
    settle(result);
  };
  const onAbort = () => finish('signal');
  options.signal.addEventListener('abort', onAbort, { once: true });

  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: follow ? 500 : 100,
  });
  const moveTo = (partition: number, next: number) => {
    const window = windows.get(partition);
    if (!window || next <= (positions.get(partition) ?? 0)) return;
    positions.set(partition, next);
    options.onPosition?.(partition, next);
    if (!follow && next >= window.to && pending.delete(partition)) {
      consumer.pause([{ topic, partitions: [partition] }]);
      if (pending.size === 0) finish('end');
    }
  };
  const joined = new Promise<void>((resolve) => {
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => {
      remove();
      resolve();
    });
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const { partition, lastOffset } = event.payload as { partition: number; lastOffset: string };
    if (!isFinished) moveTo(partition, Number(lastOffset) + 1);
  });
  consumer.on(consumer.events.CRASH, (event) => {
    const { error, restart } = event.payload as { error: Error; restart: boolean };
    if (!restart) finish(error);
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const window = windows.get(batch.partition);
        if (!window || isFinished) return;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < (positions.get(batch.partition) ?? 0) || (!follow && offset >= window.to)) continue;
          options.onRecord(batch.partition, message);
          printed += 1;
          if (limit !== undefined && printed >= limit) {
            finish('limit');
            return;
          }
          moveTo(batch.partition, offset + 1);
        }
      },
    });
    consumer.pause([{ topic, partitions: [...options.allPartitions] }]);
    await Promise.race([joined, finished]);
    if (!isFinished) {
      const reading = options.windows.filter((w) => follow || pending.has(w.partition));
      for (const w of reading) consumer.seek({ topic, partition: w.partition, offset: String(w.from) });
      consumer.resume([{ topic, partitions: reading.map((w) => w.partition) }]);
      options.onReading?.();
    }
    const result = await finished;
    if (result instanceof Error) throw result;
    return result;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    await consumer.disconnect();
  }
}
