import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { keepConsumerRunning, type ConsumerKeeper } from './keepConsumerRunning';

export interface PartitionRange {
  partition: number;
  /** First offset to read. */
  from: number;
  /** Stop before this offset (typically the high watermark). */
  to: number;
}

/**
 * Reads chosen partitions of one topic between two offsets, committed records only. kafkajs has no
 * manual assignment, so this is one consumer in a group of its own that keeps every partition
 * paused except those being read; it joins once and serves many reads.
 */
export interface PartitionReader {
  start(): Promise<void>;
  read(range: PartitionRange, onMessage: (message: KafkaMessage) => void): Promise<void>;
  stop(): Promise<void>;
}

interface ActiveRead {
  range: PartitionRange;
  next: number;
  onMessage: (message: KafkaMessage) => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createPartitionReader(options: { kafka: Kafka; topic: string; groupPrefix: string; maxWaitMs?: number }): PartitionReader {
  const { topic } = options;
  let consumer: Consumer | undefined;
  let allPartitions: number[] = [];
  const active = new Map<number, ActiveRead>();
  let joined!: Promise<void>;
  let keeper: ConsumerKeeper | undefined;

  function finish(partition: number, err?: unknown) {
    const read = active.get(partition);
    if (!read) return;
    active.delete(partition);
    consumer?.pause([{ topic, partitions: [partition] }]);
    if (err) read.reject(err);
    else read.resolve();
  }

  function advance(partition: number, lastOffset: number) {
    const read = active.get(partition);
    if (read && lastOffset + 1 >= read.range.to) finish(partition);
  }

  return {
    async start() {
      const admin = options.kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        allPartitions = offsets.map((o) => o.partition).sort((a, b) => a - b);
      } finally {
        await admin.disconnect();
      }
      const c = options.kafka.consumer({
        groupId: `${options.groupPrefix}.${randomUUID()}`,
        maxWaitTimeInMs: options.maxWaitMs ?? 50,
        // After a broker restart the consumer rejoins as a new member and waits for its old one to
        // time out; kafkajs's 30 s default would hold every read that long.
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
        allowAutoTopicCreation: false,
        readUncommitted: false,
      });
      consumer = c;
      joined = new Promise<void>((resolve) => {
        c.on(c.events.GROUP_JOIN, () => {
          resolve();
          // A consumer restarted after a crash forgets its pauses and positions: set them again.
          const idle = allPartitions.filter((p) => !active.has(p));
          if (idle.length > 0) c.pause([{ topic, partitions: idle }]);
          for (const [partition, read] of active) c.seek({ topic, partition, offset: String(read.next) });
        });
      });
      c.on(c.events.END_BATCH_PROCESS, (event) => {
        const { partition, lastOffset } = event.payload as { partition: number; lastOffset: string };
        advance(partition, Number(lastOffset));
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      const run = () => c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset }) => {
          const read = active.get(batch.partition);
          if (!read) return;
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset < read.next || offset >= read.range.to) continue;
            read.next = offset + 1;
            try {
              read.onMessage(message);
            } catch (err) {
              finish(batch.partition, err);
              return;
            }
          }
          // Nothing is committed (autoCommit is off), but an unresolved batch is fetched again:
          // without this a read longer than one fetch would never get past its first batch.
          resolveOffset(batch.lastOffset());
        },
      });
      keeper = keepConsumerRunning(c, run);
      await run();
      c.pause([{ topic, partitions: allPartitions }]);
      await joined;
    },

    async read(range, onMessage) {
      if (!consumer) throw new Error('the partition reader is not started');
      if (range.from >= range.to) return;
      if (active.has(range.partition)) throw new Error(`partition ${range.partition} of ${topic} is already being read`);
      const done = new Promise<void>((resolve, reject) => {
        active.set(range.partition, { range, next: range.from, onMessage, resolve, reject });
      });
      consumer.seek({ topic, partition: range.partition, offset: String(range.from) });
      consumer.resume([{ topic, partitions: [range.partition] }]);
      return done;
    },

    async stop() {
      keeper?.stop();
      for (const partition of [...active.keys()]) finish(partition, new Error('the partition reader stopped'));
      await consumer?.disconnect();
      consumer = undefined;
    },
  };
}
