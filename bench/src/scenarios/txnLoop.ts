import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';

/** One consume-sequence-produce phase: how many transactions, how long, and each one's duration. */
export interface TxnLoopRun {
  transactions: number;
  /** From the first measured transaction's start to the last one's commit. */
  seconds: number;
  latenciesMs: number[];
  /** Requests per measured transaction by API name, when the client reports its requests (kafkajs). */
  requestsPerTxn?: Record<string, number>;
}

export interface TxnLoopOptions {
  kafka: Kafka;
  producer: Producer;
  groupId: string;
  inputTopic: string;
  outputTopic: string;
  recordsPerTxn: number;
  /** Transactions run before measuring (producer id, coordinator look-ups, first fetches). */
  warmup: number;
  maxTransactions: number;
  maxMs: number;
}

/**
 * Consumes the input topic's one partition from the start and, for every recordsPerTxn records,
 * runs one transaction: the records again with a sequence number in their value, to the output
 * topic, plus the consumed offset, then commit. Stops after maxTransactions measured transactions
 * or maxMs, whichever comes first.
 */
export async function runTxnLoop(options: TxnLoopOptions): Promise<TxnLoopRun> {
  const { producer, recordsPerTxn } = options;
  const consumer: Consumer = options.kafka.consumer({ groupId: options.groupId, readUncommitted: false, maxWaitTimeInMs: 50 });
  const latenciesMs: number[] = [];
  let pending: KafkaMessage[] = [];
  let sequence = 0;
  let done = 0;
  let firstStart = 0;
  let lastEnd = 0;
  let deadline = Number.POSITIVE_INFINITY;
  /** A measured (not warm-up) transaction is under way. */
  let measuring = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const transact = async (records: KafkaMessage[]) => {
    const started = performance.now();
    measuring = done >= options.warmup;
    const tx = await producer.transaction();
    try {
      await tx.send({
        topic: options.outputTopic,
        messages: records.map((m) => ({ partition: 0, key: m.key, value: `${(sequence += 1)}:${m.value?.toString() ?? ''}` })),
      });
      const next = String(Number(records[records.length - 1]!.offset) + 1);
      await tx.sendOffsets({ consumerGroupId: options.groupId, topics: [{ topic: options.inputTopic, partitions: [{ partition: 0, offset: next }] }] });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
    const ended = performance.now();
    measuring = false;
    done += 1;
    if (done === options.warmup + 1) {
      firstStart = started;
      deadline = started + options.maxMs;
    }
    if (done > options.warmup) {
      latenciesMs.push(ended - started);
      lastEnd = ended;
    }
  };

  // kafkajs names FindCoordinator (API key 10) GroupCoordinator.
  const requests = new Map<string, number>();
  producer.on(producer.events.REQUEST, ({ payload }) => {
    if (!measuring) return;
    const api = payload.apiKey === 10 ? 'FindCoordinator' : payload.apiName;
    requests.set(api, (requests.get(api) ?? 0) + 1);
  });

  const enough = () => latenciesMs.length >= options.maxTransactions || performance.now() >= deadline;
  let failure: unknown;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.inputTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, isRunning, isStale }) => {
        if (enough()) {
          finish();
          return;
        }
        pending.push(...batch.messages);
        while (pending.length >= recordsPerTxn && isRunning() && !isStale() && !enough()) {
          const records = pending.slice(0, recordsPerTxn);
          pending = pending.slice(recordsPerTxn);
          try {
            await transact(records);
          } catch (err) {
            failure = err;
            finish();
            return;
          }
        }
        if (enough()) finish();
      },
    });
    const timeout = setTimeout(finish, options.maxMs + 60_000);
    await finished;
    clearTimeout(timeout);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  if (failure) throw failure;
  const n = Math.max(1, latenciesMs.length);
  const requestsPerTxn = Object.fromEntries([...requests].map(([api, count]) => [api, count / n]));
  return { transactions: latenciesMs.length, seconds: (lastEnd - firstStart) / 1000, latenciesMs, requestsPerTxn };
}
