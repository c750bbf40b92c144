/**
 * The router: consumes commands keyed by conversation, sequences them, and writes events and
 * deliveries transactionally. `createRouter` wires it from injected collaborators; main.ts reads
 * the environment and calls it.
 */
import type { Kafka } from 'kafkajs';
import { createPartitionReader, createRoundPacer, groupId, keepConsumerRunning, topicNames, topicSpec } from '@switchboard/kafka';
import type { Presence } from '@switchboard/presence';
import type { Codec } from '@switchboard/schemas';
import type { Logger, MetricsRegistry } from '@switchboard/telemetry';
import { createCommandHandler } from './consumers/commands';
import { createBlockAssigner } from './consumers/blockAssigner';
import { blockOf, partitionsOfBlock } from './internal/partitionBlocks';
import { claimBlock, releaseBlock, type BlockOwner } from './storage/blockOwner';

export interface RouterOptions {
  kafka: Kafka;
  codec: Codec;
  /** Where users' sessions are; only its sessionsOf is used. */
  presence: Pick<Presence, 'sessionsOf'>;
  namespace: string;
  logger: Logger;
  metrics: MetricsRegistry;
  maxGroupSize: number;
  recentCapacity: number;
  fetchWaitMs: number;
  /** Average time between fetch rounds the consumer is held to under load (see roundPacing.ts); 0 never holds it. */
  fetchIntervalMs?: number;
  /** Command partitions per block (see partitionBlocks.ts); every router of a group must use the same. */
  partitionsPerTransaction: number;
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
    partitionAssigners: [createBlockAssigner(options.partitionsPerTransaction)],
  });
  const pacer = createRoundPacer({ intervalMs: options.fetchIntervalMs ?? 0 });
  const blockSize = options.partitionsPerTransaction;
  const commandPartitions = topicSpec('commands').partitions;
  const owners = new Map<number, Promise<BlockOwner>>();
  /** The claimed owner of each block, once its claim completed. */
  const current = new Map<number, BlockOwner>();
  let joined = false;
  let crashed: string | undefined;
  /** Why the last batch failed, until one succeeds; the consumer retries it from the committed offset. */
  let batchProblem: string | undefined;

  const ownerRegistry = {
    get(block: number): Promise<BlockOwner> {
      let owner = owners.get(block);
      if (!owner) {
        const claim = { kafka, codec: options.codec, admin, eventsReader, eventsTopic: topics.events, transactionalIdPrefix: `${namespace}.router.${topicSpec('commands').suffix}`, blockSize, recentCapacity: options.recentCapacity, logger };
        const claiming = claimBlock(claim, block, partitionsOfBlock(block, blockSize, commandPartitions));
        owner = claiming;
        owners.set(block, claiming);
        claiming.then(
          (claimed) => {
            if (owners.get(block) === claiming) current.set(block, claimed);
          },
          () => {
            if (owners.get(block) === claiming) owners.delete(block);
          },
        );
      }
      return owner;
    },
    holds(owner: BlockOwner): boolean {
      return current.get(owner.block) === owner;
    },
    /** Lets go of a block; with `expected`, only if that owner still holds it (another batch may have claimed it again). */
    async drop(block: number, expected?: BlockOwner): Promise<void> {
      const owner = owners.get(block);
      if (!owner) return;
      if (expected && (await owner.catch(() => undefined)) !== expected) return;
      if (owners.get(block) !== owner) return;
      owners.delete(block);
      current.delete(block);
      await owner.then(releaseBlock, () => undefined).catch(() => undefined);
    },
  };

  const handleBatch = createCommandHandler({
    admin,
    codec: options.codec,
    topics,
    groupId: consumerGroup,
    deliveriesPartitions: topicSpec('deliveries').partitions,
    blockSize,
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
    const blocks = new Set([...assigned].map((p) => blockOf(p, blockSize)));
    logger.info('partitions assigned', { partitions: [...assigned].sort((a, b) => a - b), blocks: [...blocks].sort((a, b) => a - b) });
    for (const block of [...owners.keys()]) {
      if (!blocks.has(block)) void ownerRegistry.drop(block);
    }
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error('command consumer crashed', { err: event.payload.error, restart: event.payload.restart });
    if (!event.payload.restart) crashed = event.payload.error.message;
    // Another router may own these partitions until this one rejoins; their state is read again then.
    for (const block of [...owners.keys()]) void ownerRegistry.drop(block);
  });

  const runConsumer = () =>
    consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: commandPartitions,
      eachBatch: async (payload) => {
        pacer.claim();
        try {
          await handleBatch(payload);
          batchProblem = undefined;
        } catch (err) {
          batchProblem = err instanceof Error ? err.message : String(err);
          throw err;
        }
        await pacer.untilNext();
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
      // Lets the batch in hand finish, then the transactions still committing, before the group is
      // left and the producers are let go.
      await consumer.stop();
      await handleBatch.drain();
      await consumer.disconnect();
      await Promise.all([...owners.keys()].map((block) => ownerRegistry.drop(block)));
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
