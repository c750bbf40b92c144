/**
 * The persister: projects the events topic into Postgres, idempotently and one transaction per
 * fetch round (the batches of every partition fetched together), and serves history, gap fills and offline sync over HTTP. `createPersister`
 * wires it from injected collaborators; main.ts reads the environment and calls it.
 *
 * ```ts
 * await migrate(pool);
 * const persister = createPersister({ kafka, pool, codec, namespace, logger, metrics, httpPort: 8090 });
 * await persister.start();
 * // ...
 * await persister.stop();
 * await pool.end();
 * ```
 */
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { createRoundPacer, groupId, keepConsumerRunning, topicNames, topicSpec } from '@switchboard/kafka';
import type { Codec } from '@switchboard/schemas';
import type { Logger, MetricsRegistry } from '@switchboard/telemetry';
import { createApiServer } from './api/server';
import { createLogCatchUp } from './internal/logCatchUp';
import { createEventsBatchHandler } from './consumers/events';
import { createDatabaseHealth } from './internal/databaseHealth';
import { createPartitionPositions } from './internal/partitionPositions';
import { createProgressSignal } from './internal/progressSignal';
import { createPostgresStorage } from './storage/postgresStorage';
import { createPersisterMetrics } from './telemetry';

export { migrate } from './storage/migrate';
export type { MigrateOptions, MigrateResult } from './storage/migrate';
export type { EventsBody } from './api/routes/events';
export type { HistoryBody } from './api/routes/history';
export type { SyncedConversation } from './api/routes/sync';

export interface PersisterOptions {
  kafka: Kafka;
  /** Owned by the caller, who ends it after stop(). */
  pool: pg.Pool;
  codec: Codec;
  namespace: string;
  logger: Logger;
  metrics: MetricsRegistry;
  /** Port of the HTTP API and health endpoints; 0 picks a free one (see Persister.httpPort). */
  httpPort: number;
  httpHost?: string;
  /** Longest a fetch waits for records when there are none; keep it low, see config.ts. */
  fetchWaitMs?: number;
  /** Average time between fetch rounds the consumer is held to under load (see roundPacing.ts); 0 (the default) never holds it. */
  fetchIntervalMs?: number;
  /** Most bytes fetched per partition per batch, which bounds a batch's size (a round holds one batch per partition). */
  maxBytesPerPartition?: number;
  /** Consumer group session timeout; default 10 s. */
  sessionTimeoutMs?: number;
  /** Pause between reads of a request waiting for a seq. */
  waitPollMs?: number;
  /** Longest a sync waits for the projection to reach the end of the log; default 2000 ms. */
  syncCatchUpMs?: number;
}

export interface Persister {
  start(): Promise<void>;
  /** Stops the API and the consumer (the round in hand finishes and commits first). Leaves the pool open. */
  stop(): Promise<void>;
  readiness(): Promise<{ ready: boolean; reason?: string }>;
  /** The port the API listens on, once started. */
  httpPort(): number;
}

const READINESS_PING_MS = 1_000;

export function createPersister(options: PersisterOptions): Persister {
  const { kafka, namespace, logger } = options;
  const topic = topicNames(namespace).events;
  const storage = createPostgresStorage(options.pool);
  const metrics = createPersisterMetrics(options.metrics);
  const positions = createPartitionPositions();
  const progress = createProgressSignal();
  const health = createDatabaseHealth();
  const consumer = kafka.consumer({
    groupId: groupId(namespace, 'persister', 'events'),
    readUncommitted: false,
    // With minBytes 1 the broker answers as soon as an event arrives; the wait only bounds idle polling.
    maxWaitTimeInMs: options.fetchWaitMs ?? 100,
    minBytes: 1,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    rebalanceTimeout: 20_000,
    heartbeatInterval: 1_000,
    allowAutoTopicCreation: false,
  });
  const pacer = createRoundPacer({ intervalMs: options.fetchIntervalMs ?? 0 });
  let joined = false;
  let stopping = false;
  let crashed: string | undefined;
  let boundPort = 0;

  const eventsHandler = createEventsBatchHandler({
    codec: options.codec,
    store: storage,
    positions,
    seek: (partition, offset) => consumer.seek({ topic, partition, offset: String(offset) }),
    progress,
    health,
    logger,
    metrics,
  });

  async function readiness(): Promise<{ ready: boolean; reason?: string }> {
    if (stopping) return { ready: false, reason: 'stopping' };
    if (crashed) return { ready: false, reason: `kafka: the consumer crashed: ${crashed}` };
    if (!joined) return { ready: false, reason: 'joining the consumer group' };
    const problem = health.problem();
    if (problem) return { ready: false, reason: `database: ${problem}` };
    try {
      await storage.ping(READINESS_PING_MS);
    } catch (err) {
      return { ready: false, reason: `database: ${(err as Error).message}` };
    }
    return { ready: true };
  }

  const admin = kafka.admin();
  let adminConnected = false;
  const catchUp = createLogCatchUp({
    endOffsets: async () => {
      if (!adminConnected) throw new Error('the admin client is not connected');
      return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
    },
    storedOffsets: () => storage.nextOffsets(topic),
    timeoutMs: options.syncCatchUpMs ?? 2_000,
  });

  const api = createApiServer({ reader: storage, namespace, progress, readiness, registry: options.metrics, metrics, logger, pollMs: options.waitPollMs, catchUp });

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    joined = true;
    crashed = undefined;
    // Every (re)assignment re-checks each partition's position against the database.
    positions.reset();
    const partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    logger.info('partitions assigned', { partitions });
  });
  consumer.on(consumer.events.CRASH, (event) => {
    logger.error('event consumer crashed', { err: event.payload.error, restart: event.payload.restart });
    if (!event.payload.restart) crashed = event.payload.error.message;
  });

  const runConsumer = () =>
    consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every batch of a fetch round is handed over at once, so the round becomes one transaction.
      partitionsConsumedConcurrently: topicSpec('events').partitions,
      eachBatch: async (payload) => {
        pacer.claim();
        await eventsHandler.handle(payload);
        await pacer.untilNext();
      },
    });
  const keeper = keepConsumerRunning(consumer, runConsumer, { log: (message, extra) => logger.warn(message, extra) });

  return {
    async start() {
      boundPort = await api.listen(options.httpPort, options.httpHost ?? '0.0.0.0');
      await admin.connect();
      adminConnected = true;
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await runConsumer();
    },
    async stop() {
      stopping = true;
      keeper.stop();
      // consumer.stop() lets the handlers in hand finish, and the round being written commits to the
      // database before the consumer disconnects (its Kafka commit, for lag monitoring only, may be
      // refused once the group was left).
      await Promise.all([api.close(), consumer.stop().then(() => eventsHandler.idle()).then(() => consumer.disconnect())]);
      adminConnected = false;
      await admin.disconnect();
    },
    readiness,
    httpPort: () => boundPort,
  };
}
