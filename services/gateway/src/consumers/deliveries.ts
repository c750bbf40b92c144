import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { createRoundPacer, keepConsumerRunning, partitionFor, topicNames, topicSpec, type ConsumerKeeper } from '@switchboard/kafka';
import { decodeDelivery, type Codec, type Delivery } from '@switchboard/schemas';
import { HOP_HEADERS, readStamp, stampNow, type Logger } from '@switchboard/telemetry';
import { unbatchDelivery, type SingleDelivery } from '../internal/unbatchDelivery';

export interface DeliveriesConsumerOptions {
  kafka: Kafka;
  namespace: string;
  gatewayId: string;
  codec: Codec;
  fetchWaitMs: number;
  /** Average time between fetch rounds the consumer is held to under load (see roundPacing.ts); 0 never holds it. */
  fetchIntervalMs?: number;
  logger: Logger;
  /** Called in offset order for every delivery addressed to this gateway, a batch's items one by one; must not block. */
  onDelivery: (delivery: SingleDelivery, stamps: DeliveryStamps) => void;
  /** Runs the handling of one fetched batch (every `onDelivery` of it, synchronously); by default it is simply run. */
  inRound?: (handleBatch: () => void) => void;
}

/** The hop stamps a delivery carries, and when this gateway fetched it. */
export interface DeliveryStamps {
  received: number | undefined;
  decided: number | undefined;
  fetched: number;
}

export interface DeliveriesConsumer {
  /** Resolves once the consumer joined its group and its start position is fixed. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): { ready: boolean; reason?: string };
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/**
 * Reads this gateway's partition of the deliveries topic, committed records only. The group is the
 * gateway process's own, so it is assigned every partition; all but the gateway's are paused
 * (kafkajs has no manual assignment). Offsets are never committed: a restarted gateway has no
 * sessions and starts from the end. Within one run, a rejoin after a crash resumes where it stopped.
 *
 * The group name carries a random suffix per process: a gateway restarted after a crash (same
 * GATEWAY_ID) would otherwise wait for the dead member's session to time out before it is assigned
 * anything and may accept clients. An empty group without offsets is deleted by the broker.
 */
export function createDeliveriesConsumer(options: DeliveriesConsumerOptions): DeliveriesConsumer {
  const { kafka, gatewayId, logger } = options;
  const pacer = createRoundPacer({ intervalMs: options.fetchIntervalMs ?? 0 });
  const inRound = options.inRound ?? ((handleBatch: () => void) => handleBatch());
  const topic = topicNames(options.namespace).deliveries;
  const partitionCount = topicSpec('deliveries').partitions;
  const own = partitionFor(gatewayId, partitionCount);
  const others = Array.from({ length: partitionCount }, (_, p) => p).filter((p) => p !== own);
  const consumerGroup = `${options.namespace}.gateway.${gatewayId}.${randomUUID().slice(0, 8)}`;
  let consumer: Consumer | undefined;
  let keeper: ConsumerKeeper | undefined;
  let started = false;
  let crashed: string | undefined;
  /** Next offset to handle on the gateway's partition, once known. */
  let nextOffset: number | undefined;

  function pauseOthers(c: Consumer): void {
    try {
      if (others.length > 0) c.pause([{ topic, partitions: others }]);
    } catch (err) {
      logger.warn('could not pause the other deliveries partitions', { err });
    }
  }

  function handle(value: Buffer | null, headers: IHeaders | undefined, offset: string, fetched: number): void {
    const addressedTo = headerText(headers, 'gateway-id');
    if (addressedTo !== undefined && addressedTo !== gatewayId) return;
    if (!value) return;
    let delivery: Delivery;
    try {
      delivery = decodeDelivery(options.codec, value);
    } catch (err) {
      logger.error('skipping a delivery that cannot be decoded', { partition: own, offset, err });
      return;
    }
    if (delivery.gatewayId !== gatewayId) return;
    const stamps = { received: readStamp(headers?.[HOP_HEADERS.received]), decided: readStamp(headers?.[HOP_HEADERS.decided]) };
    const items = unbatchDelivery(delivery, options.codec, stamps, (index, err) =>
      logger.error('skipping a batched event that cannot be decoded', { partition: own, offset, index, err }),
    );
    for (const item of items) {
      try {
        options.onDelivery(item.delivery, { received: item.received, decided: item.decided, fetched });
      } catch (err) {
        logger.error('handling a delivery failed', { partition: own, offset, type: item.delivery.body.type, err });
      }
    }
  }

  async function startOffset(): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      const mine = offsets.find((o) => o.partition === own);
      if (!mine) throw new Error(`topic ${topic} has no partition ${own}`);
      return Number(mine.high);
    } finally {
      await admin.disconnect();
    }
  }

  return {
    async start() {
      const c = kafka.consumer({
        groupId: consumerGroup,
        maxWaitTimeInMs: options.fetchWaitMs,
        minBytes: 1,
        sessionTimeout: 10_000,
        rebalanceTimeout: 10_000,
        heartbeatInterval: 1_000,
        readUncommitted: false,
        allowAutoTopicCreation: false,
      });
      consumer = c;
      let markJoined!: () => void;
      const joined = new Promise<void>((resolve) => (markJoined = resolve));
      c.on(c.events.GROUP_JOIN, () => {
        crashed = undefined;
        markJoined();
        pauseOthers(c);
        if (nextOffset !== undefined) c.seek({ topic, partition: own, offset: String(nextOffset) });
      });
      c.on(c.events.CRASH, (event) => {
        logger.error('deliveries consumer crashed', { err: event.payload.error, restart: event.payload.restart });
        if (!event.payload.restart) crashed = event.payload.error.message;
      });
      const run = () =>
        c.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== own) return;
            const fetched = stampNow();
            pacer.claim();
            inRound(() => {
              for (const message of batch.messages) {
                nextOffset = Number(message.offset) + 1;
                handle(message.value, message.headers, message.offset, fetched);
              }
            });
            await pacer.untilNext();
          },
        });
      keeper = keepConsumerRunning(c, run, { log: (message, extra) => logger.warn(message, extra) });
      await c.connect();
      await c.subscribe({ topic, fromBeginning: false });
      await run();
      await joined;
      pauseOthers(c);
      // "Latest" is resolved lazily by the first fetch; fix it now so that nothing produced for a
      // session accepted after start() returns can fall before the start position.
      const from = await startOffset();
      nextOffset ??= from;
      c.seek({ topic, partition: own, offset: String(nextOffset) });
      started = true;
      logger.info('deliveries consumer started', { topic, partition: own, offset: nextOffset });
    },

    async stop() {
      started = false;
      keeper?.stop();
      await consumer?.disconnect();
      consumer = undefined;
    },

    readiness() {
      if (crashed) return { ready: false, reason: `kafka: the deliveries consumer crashed: ${crashed}` };
      return started ? { ready: true } : { ready: false, reason: 'the deliveries consumer has not joined its group' };
    },
  };
}
