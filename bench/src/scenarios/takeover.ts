import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, partitionFor, topicNames, topicSpec } from '@switchboard/kafka';
import { directConversationId } from '@switchboard/protocol';
import { createCodec, encodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { ProtocolClient } from '../clients/protocolClient';
import { freePort, sleep, spawnNode, waitHttpOk, type ManagedProcess } from '../platform/processes';
import { BENCH_SERVICE_ENV, cpuProfileArgs, createNamespace, randomNamespace } from '../platform/switchboard';
import { tokenFor } from '../platform/systems';
import { usageOf, type BenchContext } from './context';
import type { RunOf } from './messaging';
import { now } from './openLoopPhase';

export interface TakeoverOptions {
  events: number;
  conversations: number;
  /** Total send rate of the traffic kept up during the kills. */
  rate: number;
  senders: number;
}

/** One kill -9 of the routing router and the standby's takeover. */
export interface TakeoverTrial {
  snapshots: boolean;
  /** Events on the router's partitions when it was killed. */
  historyEvents: number;
  /** From the kill until the group handed the standby the partitions. */
  killToHandedMs: number;
  /** The standby's own log: from being handed the partitions until their state was rebuilt. */
  rebuildMs: number;
  /** From being handed the partitions until the first ack of a send made after the kill. */
  handedToRoutingMs: number;
  /** What a sender sees: from the kill until the first ack of a send made after the kill. */
  stallMs: number;
  snapshotRecords: number;
  eventsFolded: number;
}

export interface TakeoverResult {
  events: number;
  conversations: number;
  seedSeconds: number;
  /** The first router's start on the seeded history: a fold of every event, as no snapshot exists yet. */
  firstStartSeconds: number;
  /** After that fold, until its snapshots covered the history (the partitions' checkpoints caught up). */
  snapshotCatchUpSeconds: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  trials: TakeoverTrial[];
}

/** The seeded history: direct conversations, each message followed by the recipient's delivery receipt. */
function* seedEvents(count: number, conversations: number, at: number): Generator<Event> {
  for (let i = 0; i < count; i++) {
    const c = i % conversations;
    const round = Math.floor(i / conversations);
    const seq = Math.floor(round / 2) + 1;
    const sender = `s7u${c}a`;
    const recipient = `s7u${c}b`;
    const base = { conversationId: directConversationId(sender, recipient), kind: 'DIRECT' as const, occurredAt: at + i, origin: null, traceparent: null };
    yield round % 2 === 0
      ? { ...base, eventId: `e${c}:${seq}`, seq, actorId: sender, body: { type: 'MessageSent', messageId: randomUUID(), clientMsgId: `seed-${seq}`, recipientId: recipient, body: `seeded message ${seq}`, contentType: 'text/plain' } }
      : { ...base, eventId: `e${c}:${seq}:r`, seq: null, actorId: recipient, body: { type: 'DeliveryAcked', userId: recipient, upToSeq: seq } };
  }
}

async function seed(ctx: BenchContext, topic: string, options: TakeoverOptions): Promise<number> {
  const started = now();
  const codec = createCodec(loadFileCatalog());
  const kafka = createKafka({ brokers: ctx.env.brokers.split(','), clientId: 'bench-s7-seed' });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    // One send at a time per partition, the partitions side by side: kafkajs does not keep
    // concurrent sends to one partition in order, and a conversation's events out of sequence
    // order would not be a history the router could have written.
    const partitions = topicSpec('events').partitions;
    const pending = Array.from({ length: partitions }, () => [] as { key: string; value: Buffer; partition: number }[]);
    const sending: (Promise<void> | undefined)[] = Array.from({ length: partitions }, () => undefined);
    const flush = async (partition: number) => {
      await sending[partition];
      const messages = pending[partition]!;
      pending[partition] = [];
      sending[partition] = producer.send({ topic, messages, acks: -1 }).then(() => undefined);
    };
    for (const event of seedEvents(options.events, options.conversations, Date.now())) {
      const partition = partitionFor(event.conversationId, partitions);
      const list = pending[partition]!;
      list.push({ key: event.conversationId, value: encodeEvent(codec, event), partition });
      if (list.length >= 5_000) await flush(partition);
    }
    for (let p = 0; p < partitions; p++) if (pending[p]!.length > 0) await flush(p);
    await Promise.all(sending);
  } finally {
    await producer.disconnect();
  }
  return (now() - started) / 1000;
}

interface RouterProcess {
  name: string;
  proc: ManagedProcess;
  port: number;
  /** Log lines with their time, as the router wrote them (JSON). */
  lines: { at: number; entry: Record<string, unknown> }[];
}

/**
 * S7: a router is kill -9'd under traffic with `events` events of history on its partitions, and
 * a standby router takes over: once restoring from snapshots plus the tail, once (with
 * ROUTER_SNAPSHOTS=false) folding every event. Timed from the kill, from the moment the group hands
 * the standby the partitions (its own log), and to the first ack of a send made after the kill.
 */
export async function runTakeover(ctx: BenchContext, options: TakeoverOptions): Promise<RunOf<TakeoverResult>> {
  const namespace = randomNamespace('bench');
  const scratch = await createNamespace(ctx.env, namespace);
  const topics = topicNames(namespace);
  const processes: ManagedProcess[] = [];
  const clients: ProtocolClient[] = [];
  const sessionTimeoutMs = 6_000;
  const heartbeatIntervalMs = 500;
  const common: NodeJS.ProcessEnv = {
    SWITCHBOARD_NAMESPACE: namespace,
    KAFKA_BROKERS: ctx.env.brokers,
    DATABASE_URL: scratch.databaseUrl,
    REDIS_URL: ctx.env.redisUrl,
    ...BENCH_SERVICE_ENV,
    ROUTER_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
    ROUTER_HEARTBEAT_INTERVAL_MS: String(heartbeatIntervalMs),
  };
  const script = (service: string) => join(ctx.env.root, 'services', service, 'dist', 'main.js');
  let routers = 0;
  const startRouter = async (snapshots: boolean, readyWithinMs: number): Promise<RouterProcess> => {
    const port = await freePort();
    const name = `router${++routers}`;
    const proc = spawnNode(name, script('router'), [], {
      env: { ...common, LOG_LEVEL: 'info', ROUTER_HTTP_PORT: String(port), ROUTER_INSTANCE_ID: `${namespace}-${name}`, ROUTER_SNAPSHOTS: String(snapshots) },
      nodeArgs: ['--enable-source-maps', ...cpuProfileArgs(name)],
    });
    processes.push(proc);
    ctx.sampler.track({ name, pids: () => [proc.pid] });
    const router: RouterProcess = { name, proc, port, lines: [] };
    let pending = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      const at = now();
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        try {
          router.lines.push({ at, entry: JSON.parse(line) as Record<string, unknown> });
        } catch {
          // not a log line
        }
      }
    });
    await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc, readyWithinMs);
    return router;
  };
  const lag = async (router: RouterProcess): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('switchboard_router_snapshot_lag_events'));
    return Number(line?.split(' ').at(-1) ?? Number.NaN);
  };
  const endOfEvents = async (): Promise<number> => {
    const admin = createKafka({ brokers: ctx.env.brokers.split(','), clientId: 'bench-s7-offsets' }).admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topics.events)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    } finally {
      await admin.disconnect();
    }
  };

  try {
    const seedSeconds = await seed(ctx, topics.events, options);
    ctx.log(`  S7: ${options.events} events of ${options.conversations} conversations written in ${seedSeconds.toFixed(1)} s`);

    const firstStarted = now();
    const first = await startRouter(true, 180_000);
    const firstStartSeconds = (now() - firstStarted) / 1000;
    ctx.log(`  S7: the first router folded the history and is ready in ${firstStartSeconds.toFixed(1)} s`);

    const gatewayPort = await freePort();
    const gateway = spawnNode('gateway1', script('gateway'), [], {
      env: { ...common, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: '127.0.0.1', GATEWAY_ID: `${namespace}-gw1`, LOG_LEVEL: 'warn' },
      nodeArgs: ['--enable-source-maps'],
    });
    processes.push(gateway);
    ctx.sampler.track({ name: 'gateway1', pids: () => [gateway.pid] });
    await waitHttpOk(`http://127.0.0.1:${gatewayPort}/readyz`, gateway);
    const url = `ws://127.0.0.1:${gatewayPort}/v1`;

    // Senders in seeded conversations, so that every takeover restores and extends their state.
    const sentAt = new Map<string, number>();
    let firstAckAfter: { after: number; at: number | undefined } = { after: Number.POSITIVE_INFINITY, at: undefined };
    let acked = 0;
    for (let i = 0; i < options.senders; i++) {
      const userId = `s7u${i}a`;
      const client = await ProtocolClient.connect(url, userId, tokenFor(userId));
      client.onReply = (id, ok) => {
        const sent = sentAt.get(id);
        sentAt.delete(id);
        if (!ok) return;
        acked += 1;
        if (sent !== undefined && sent >= firstAckAfter.after && firstAckAfter.at === undefined) firstAckAfter.at = now();
      };
      clients.push(client);
    }
    let sequence = 0;
    const interval = 1000 / (options.rate / options.senders);
    const timer = setInterval(() => {
      for (const [i, client] of clients.entries()) {
        const id = `${ctx.runTag}s7-${sequence++}`;
        sentAt.set(id, now());
        client.sendDirect(`s7u${i}b`, `live ${sequence}`, id);
      }
    }, interval);

    try {
      const catchUpStarted = now();
      let lastLag = Number.NaN;
      // The routers snapshot a partition once 2,000 events follow its checkpoint (the default).
      const threshold = 5_000;
      while (!((lastLag = await lag(first)) <= threshold)) {
        if (now() - catchUpStarted > 180_000) throw new Error(`the first router's snapshots did not catch up within 180 s (lag ${lastLag})`);
        await sleep(250);
      }
      const snapshotCatchUpSeconds = (now() - catchUpStarted) / 1000;
      ctx.log(`  S7: snapshots caught up with the history in ${snapshotCatchUpSeconds.toFixed(1)} s (lag ${lastLag} events)`);

      const from = ctx.sampler.mark();
      const trials: TakeoverTrial[] = [];
      let routing = first;
      for (const snapshots of [true, false]) {
        const standby = await startRouter(snapshots, 60_000);
        await sleep(2_000);
        const ackedBefore = acked;
        await sleep(1_000);
        if (acked === ackedBefore) throw new Error('no traffic was acknowledged before the kill');
        const historyEvents = await endOfEvents();
        const killedAt = now();
        firstAckAfter = { after: killedAt, at: undefined };
        routing.proc.child.kill('SIGKILL');
        const deadline = killedAt + 180_000;
        while (firstAckAfter.at === undefined && now() < deadline) await sleep(20);
        const ackAt = firstAckAfter.at;
        if (ackAt === undefined) throw new Error(`no send was acknowledged within 180 s of killing ${routing.name} (snapshots ${snapshots ? 'on' : 'off'})`);
        const handed = standby.lines.find((l) => l.at >= killedAt && l.entry.message === 'partitions assigned' && Array.isArray(l.entry.partitions) && l.entry.partitions.length > 0);
        const claimed = standby.lines.find((l) => l.at >= killedAt && l.entry.message === 'claimed partitions');
        if (!handed || !claimed) throw new Error(`${standby.name} did not log its takeover`);
        const handedAt = Date.parse(String(handed.entry.time));
        const claimedAt = Date.parse(String(claimed.entry.time));
        const wallKilledAt = Date.now() - (now() - killedAt);
        const wallAckAt = Date.now() - (now() - ackAt);
        const trial: TakeoverTrial = {
          snapshots,
          historyEvents,
          killToHandedMs: handedAt - wallKilledAt,
          rebuildMs: claimedAt - handedAt,
          handedToRoutingMs: wallAckAt - handedAt,
          stallMs: ackAt - killedAt,
          snapshotRecords: Number(claimed.entry.snapshotRecords ?? 0),
          eventsFolded: Number(claimed.entry.events ?? 0),
        };
        trials.push(trial);
        ctx.log(
          `  S7 (snapshots ${snapshots ? 'on' : 'off'}): ${historyEvents} events; handed the partitions ${trial.killToHandedMs.toFixed(0)} ms after the kill, state rebuilt in ${trial.rebuildMs.toFixed(0)} ms (${trial.snapshotRecords} snapshot records, ${trial.eventsFolded} events folded), routing ${trial.handedToRoutingMs.toFixed(0)} ms after being handed them; stall ${trial.stallMs.toFixed(0)} ms`,
        );
        routing = standby;
      }
      const to = ctx.sampler.mark();
      return {
        system: 'switchboard',
        label: 'Switchboard',
        result: { events: options.events, conversations: options.conversations, seedSeconds, firstStartSeconds, snapshotCatchUpSeconds, sessionTimeoutMs, heartbeatIntervalMs, trials },
        usage: usageOf(ctx, from, to, processes.map((p) => p.name)),
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(processes.map((p) => p.stop('SIGKILL', 5_000).catch(() => undefined)));
    for (const p of processes) ctx.sampler.untrack(p.name);
    await scratch.drop().catch((err: unknown) => ctx.log(`  S7: cleaning up failed: ${String(err)}`));
  }
}
