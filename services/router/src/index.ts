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
  /** How often the consumer tells the group it is alive; default 1 s. */
  heartbeatIntervalMs?: number;
  /**
   * Snapshots of the conversation state, written with the events, that a new owner restores
   * before it folds the rest of the events (default on). Off, every claim folds every event.
   */
  snapshots?: { enabled: boolean; lagEvents: number; budgetBytes?: number };
}

export interface Router {
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): { ready: boolean; reason?: string };
}

/** Snapshot bytes one transaction carries at most, so that catching up after a full fold does not stall the traffic. */
export const SNAPSHOT_BYTES_PER_TRANSACTION = 1024 * 1024;
/** How often a batch that waits for its block's state tells the group it is alive. */
const CLAIM_HEARTBEAT_MS = 500;

export function createRouter(options: RouterOptions): Router {
  const { kafka, namespace, logger } = options;
  const topics = topicNames(namespace);
  const consumerGroup = groupId(namespace, 'router', 'commands');
  const admin = kafka.admin();
  const eventsReader = createPartitionReader({ kafka, topic: topics.events, groupPrefix: `${namespace}.router.restore` });
  const snapshotSettings = options.snapshots ?? { enabled: true, lagEvents: 2_000 };
  const snapshotsReader = snapshotSettings.enabled
    ? createPartitionReader({ kafka, topic: topics.snapshots, groupPrefix: `${namespace}.router.restore-snapshots` })
    : undefined;
  const consumer = kafka.consumer({
    groupId: consumerGroup,
    maxWaitTimeInMs: options.fetchWaitMs,
    minBytes: 1,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
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
  let stopping = false;
  /** The blocks the group gave this router at its last join. */
  let assignedBlocks = new Set<number>();
  /** Why the claim of a block failed, until a claim of it succeeds. */
  const claimProblems = new Map<number, string>();
  let crashed: string | undefined;
  /** Why the last batch failed, until one succeeds; the consumer retries it from the committed offset. */
  let batchProblem: string | undefined;

  const ownerRegistry = {
    get(block: number): Promise<BlockOwner> {
      let owner = owners.get(block);
      if (!owner) {
        const claim = {
          kafka,
          codec: options.codec,
          admin,
          eventsReader,
          eventsTopic: topics.events,
          transactionalIdPrefix: `${namespace}.router.${topicSpec('commands').suffix}`,
          blockSize,
          recentCapacity: options.recentCapacity,
          logger,
          ...(snapshotsReader
            ? { snapshots: { reader: snapshotsReader, topic: topics.snapshots, lagEvents: snapshotSettings.lagEvents, budgetBytes: snapshotSettings.budgetBytes ?? SNAPSHOT_BYTES_PER_TRANSACTION } }
            : {}),
        };
        const claiming = claimBlock(claim, block, partitionsOfBlock(block, blockSize, commandPartitions));
        owner = claiming;
        owners.set(block, claiming);
        claiming.then(
          (claimed) => {
            claimProblems.delete(block);
            if (owners.get(block) === claiming) current.set(block, claimed);
          },
          (err: unknown) => {
            claimProblems.set(block, err instanceof Error ? err.message : String(err));
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

  /**
   * Claims the blocks the group gave this router as soon as it hears of them, so that readiness
   * means the state is rebuilt; a failed claim is tried again while the block stays assigned.
   */
  function claimAssigned(): void {
    for (const block of assignedBlocks) {
      if (owners.has(block)) continue;
      ownerRegistry.get(block).catch((err: unknown) => {
        logger.error('could not rebuild the state of a block; trying again', { block, err });
        setTimeout(() => {
          if (joined && !stopping) claimAssigned();
        }, 1_000).unref();
      });
    }
  }

  /**
   * kafkajs heartbeats only between batches: a batch that waits for its block's state (a long
   * fold) keeps the membership alive itself, or the group would give the block away meanwhile.
   */
  async function untilClaimed(block: number, heartbeat: () => Promise<void>): Promise<void> {
    if (current.has(block)) return;
    const claim = ownerRegistry.get(block);
    let settled = false;
    claim.then(
      () => void (settled = true),
      () => void (settled = true),
    );
    while (!settled) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([claim.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, CLAIM_HEARTBEAT_MS)))]);
      clearTimeout(timer);
      if (!settled) await heartbeat();
    }
    // A failed claim fails the batch, which is fetched again and claims again.
    await claim;
  }

  options.metrics.gauge('router_snapshot_lag_events', "Most offsets of events after a partition's snapshot checkpoint: what a new owner would fold", () =>
    Math.max(0, ...[...current.values()].map((owner) => owner.snapshots?.lag() ?? 0)),
  );

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
    assignedBlocks = blocks;
    logger.info('partitions assigned', { partitions: [...assigned].sort((a, b) => a - b), blocks: [...blocks].sort((a, b) => a - b) });
    for (const block of [...owners.keys()]) {
      if (!blocks.has(block)) void ownerRegistry.drop(block);
    }
    for (const block of [...claimProblems.keys()]) if (!blocks.has(block)) claimProblems.delete(block);
    claimAssigned();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error('command consumer crashed', { err: event.payload.error, restart: event.payload.restart });
    if (!event.payload.restart) crashed = event.payload.error.message;
    joined = false;
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
          await untilClaimed(blockOf(payload.batch.partition, blockSize), payload.heartbeat);
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
      await Promise.all([eventsReader.start(), snapshotsReader?.start()]);
      await consumer.connect();
      await consumer.subscribe({ topic: topics.commands, fromBeginning: true });
      await runConsumer();
    },
    async stop() {
      stopping = true;
      keeper.stop();
      // Lets the batch in hand finish, then the transactions still committing, before the group is
      // left and the producers are let go.
      await consumer.stop();
      await handleBatch.drain();
      await consumer.disconnect();
      await Promise.all([...owners.keys()].map((block) => ownerRegistry.drop(block)));
      await Promise.all([eventsReader.stop(), snapshotsReader?.stop()]);
      await admin.disconnect();
    },
    readiness() {
      if (crashed) return { ready: false, reason: `kafka: the consumer crashed: ${crashed}` };
      if (!joined) return { ready: false, reason: 'joining the consumer group' };
      const unclaimed = [...assignedBlocks].filter((block) => !current.has(block)).sort((a, b) => a - b);
      if (unclaimed.length > 0) {
        const problems = unclaimed.filter((block) => claimProblems.has(block)).map((block) => `block ${block}: ${claimProblems.get(block)}`);
        if (problems.length > 0) return { ready: false, reason: `could not rebuild the conversation state (${problems.join('; ')})` };
        const partitions = unclaimed.flatMap((block) => partitionsOfBlock(block, blockSize, commandPartitions));
        return { ready: false, reason: `rebuilding the conversation state of partitions ${partitions.join(',')} from snapshots and events` };
      }
      if (batchProblem) return { ready: false, reason: `a batch failed and is being retried: ${batchProblem}` };
      return { ready: true };
    },
  };
}
