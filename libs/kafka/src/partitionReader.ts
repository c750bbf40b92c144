import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

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
        allowAutoTopicCreation: false,
        readUncommitted: false,
      });
      consumer = c;
      joined = new Promise<void>((resolve) => {
        const remove = c.on(c.events.GROUP_JOIN, () => {
          remove();
          resolve();
        });
      });
      c.on(c.events.END_BATCH_PROCESS, (event) => {
        const { partition, lastOffset } = event.payload as { partition: number; lastOffset: string };
        advance(partition, Number(lastOffset));
      });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch }) => {
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
        },
      });
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
      for (const partition of [...active.keys()]) finish(partition, new Error('the partition reader stopped'));
      await consumer?.disconnect();
      consumer = undefined;
    },
  };
}
