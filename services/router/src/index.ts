/**
 * The router: consumes commands keyed by conversation, sequences them, and writes events and
 * deliveries transactionally. `createRouter` wires it from injected collaborators; main.ts reads
 * the environment and calls it.
 */
import type { Kafka } from 'kafkajs';
import { createPartitionReader, groupId, keepConsumerRunning, topicNames, topicSpec } from '@switchboard/kafka';
import type { Presence } from '@switchboard/presence';
import type { Codec } from '@switchboard/schemas';
import type { Logger, MetricsRegistry } from '@switchboard/telemetry';
import { createCommandHandler } from './consumers/commands';
import { claimPartition, releasePartition, type PartitionOwner } from './storage/partitionOwner';

export interface RouterOptions {
  kafka: Kafka;
  codec: Codec;
  presence: Presence;
  namespace: string;
  logger: Logger;
  metrics: MetricsRegistry;
  maxGroupSize: number;
  recentCapacity: number;
  fetchWaitMs: number;
  /** Consumer group session timeout; default 10 s. */
  sessionTimeoutMs?: number;
}

export interface Router {
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): { ready: boolean; reason?: string };
}

export function createRouter(options: RouterOptions): Router {
  const { kafka, namespace, logger } = options;
  const topics = topicNames(namespace);
  const consumerGroup = groupId(namespace, 'router', 'commands');
  const admin = kafka.admin();
  const eventsReader = createPartitionReader({ kafka, topic: topics.events, groupPrefix: `${namespace}.router.restore` });
  const consumer = kafka.consumer({
    groupId: consumerGroup,
    maxWaitTimeInMs: options.fetchWaitMs,
    minBytes: 1,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 1_000,
    readUncommitted: false,
    allowAutoTopicCreation: false,
  });
  const owners = new Map<number, Promise<PartitionOwner>>();
  let joined = false;
  let crashed: string | undefined;
  /** Why the last batch failed, until one succeeds; the consumer retries it from the committed offset. */
  let batchProblem: string | undefined;

  const ownerRegistry = {
    get(partition: number): Promise<PartitionOwner> {
      let owner = owners.get(partition);
      if (!owner) {
        owner = claimPartition(
          { kafka, codec: options.codec, admin, eventsReader, eventsTopic: topics.events, transactionalIdPrefix: `${namespace}.router.${topicSpec('commands').suffix}`, recentCapacity: options.recentCapacity, logger },
          partition,
        );
        owners.set(partition, owner);
        owner.catch(() => owners.delete(partition));
      }
      return owner;
    },
    async drop(partition: number): Promise<void> {
      const owner = owners.get(partition);
      owners.delete(partition);
      if (owner) await owner.then(releasePartition, () => undefined).catch(() => undefined);
    },
  };

  const handleBatch = createCommandHandler({
    admin,
    codec: options.codec,
    topics,
    groupId: consumerGroup,
    deliveriesPartitions: topicSpec('deliveries').partitions,
    presence: options.presence,
    owners: ownerRegistry,
    seek: (partition, offset) => consumer.seek({ topic: topics.commands, partition, offset: String(offset) }),
    maxGroupSize: options.maxGroupSize,
    recentCapacity: options.recentCapacity,
    logger,
    metrics: options.metrics,
  });

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    joined = true;
    crashed = undefined;
    const assigned = new Set<number>(event.payload.memberAssignment[topics.commands] ?? []);
    logger.info('partitions assigned', { partitions: [...assigned].sort((a, b) => a - b) });
    for (const partition of [...owners.keys()]) {
      if (!assigned.has(partition)) void ownerRegistry.drop(partition);
    }
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error('command consumer crashed', { err: event.payload.error, restart: event.payload.restart });
    if (!event.payload.restart) crashed = event.payload.error.message;
    // Another router may own these partitions until this one rejoins; their state is read again then.
    for (const partition of [...owners.keys()]) void ownerRegistry.drop(partition);
  });

  const runConsumer = () =>
    consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: topicSpec('commands').partitions,
      eachBatch: async (payload) => {
        try {
          await handleBatch(payload);
          batchProblem = undefined;
        } catch (err) {
          batchProblem = err instanceof Error ? err.message : String(err);
          throw err;
        }
      },
    });
  const keeper = keepConsumerRunning(consumer, runConsumer, { log: (message, extra) => logger.warn(message, extra) });

  return {
    async start() {
      await admin.connect();
      await eventsReader.start();
      await consumer.connect();
      await consumer.subscribe({ topic: topics.commands, fromBeginning: true });
      await runConsumer();
    },
    async stop() {
      keeper.stop();
      // Lets the batch in hand finish: its transaction commits (or aborts) before the group is left.
      await consumer.stop();
      await consumer.disconnect();
      await Promise.all([...owners.keys()].map((p) => ownerRegistry.drop(p)));
      await eventsReader.stop();
      await admin.disconnect();
    },
    readiness() {
      if (crashed) return { ready: false, reason: `kafka: the consumer crashed: ${crashed}` };
      if (!joined) return { ready: false, reason: 'joining the consumer group' };
      if (batchProblem) return { ready: false, reason: `a batch failed and is being retried: ${batchProblem}` };
      return { ready: true };
    },
  };
}
