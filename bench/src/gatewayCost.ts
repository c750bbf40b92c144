/**
 * node bench/dist/gatewayCost.js [--rate 1000] [--seconds 20] [--senders 50] [--warmup 5]
 *
 * The CPU one gateway process spends per message, apart from the rest of the platform: a real
 * gateway on the local Kafka and Redis, and a stand-in router in this process that answers every
 * `send` with the event delivery the router writes to the sender's gateway (which acknowledges the
 * send). Senders send 1:1 messages at a fixed open-loop rate, as the senders of S1 do; their
 * recipients are not connected, so the gateway does what S1's first gateway does. The measured
 * phase starts once the warm-up's sends were all answered and ends when its own were; the
 * gateway's utime and stime (/proc) over it are divided by the sends in it.
 * BENCH_CPU_PROF=gateway1 profiles the gateway meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { createKafka, deleteNamespaceTopics, ensureTopics, partitionFor, topicNames, topicSpec } from '@switchboard/kafka';
import { createCodec, decodeCommand, encodeDelivery, loadFileCatalog, type Delivery, type Event } from '@switchboard/schemas';
import { freePort, sleep, spawnNode, waitHttpOk } from './platform/processes';
import { BENCH_SERVICE_ENV, benchEnvironment, cpuProfileArgs, deleteNamespaceKeys, randomNamespace } from './platform/switchboard';
import { tokenFor } from './platform/systems';
import { readCpuPressureMicros } from './proc/procStats';

const ROOT = resolve(__dirname, '..', '..');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(value > 0)) throw new Error(`--${name} takes a positive number`);
  return value;
}

/** utime and stime of a process, in clock ticks (1/100 s). */
function cpuTicks(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

async function main(): Promise<void> {
  const rate = option('rate', 1000);
  const seconds = option('seconds', 20);
  const senders = option('senders', 50);
  const warmup = option('warmup', 5);
  const env = benchEnvironment(ROOT);
  const namespace = randomNamespace('gwcost');
  const gatewayId = `${namespace}-gw1`;
  const topics = topicNames(namespace);
  const kafka = createKafka({ brokers: env.brokers.split(','), clientId: 'gateway-cost' });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, namespace);

  const codec = createCodec(loadFileCatalog());
  const deliveriesPartition = partitionFor(gatewayId, topicSpec('deliveries').partitions);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `${namespace}.stand-in-router`, maxWaitTimeInMs: 20, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.commands, fromBeginning: true });
  const seqs = new Map<string, number>();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const messages = [];
      for (const message of batch.messages) {
        if (!message.value) continue;
        const command = decodeCommand(codec, message.value);
        if (command.body.type !== 'SendMessage' || command.origin === null) continue;
        const seq = (seqs.get(command.conversationId) ?? 0) + 1;
        seqs.set(command.conversationId, seq);
        const { clientMsgId, recipientId, body, contentType } = command.body;
        const event: Event = {
          eventId: randomUUID(),
          conversationId: command.conversationId,
          kind: 'DIRECT',
          seq,
          occurredAt: Date.now(),
          actorId: command.origin.userId,
          origin: command.origin,
          traceparent: null,
          body: { type: 'MessageSent', messageId: randomUUID(), clientMsgId, recipientId, body, contentType },
        };
        const delivery: Delivery = {
          gatewayId: command.origin.gatewayId,
          body: { type: 'EventDelivery', event, recipients: [command.origin.userId, recipientId ?? command.origin.userId] },
        };
        messages.push({ partition: deliveriesPartition, value: encodeDelivery(codec, delivery), headers: { 'gateway-id': command.origin.gatewayId } });
      }
      if (messages.length > 0) await producer.send({ topic: topics.deliveries, messages, acks: -1 });
    },
  });

  const port = await freePort();
  const gateway = spawnNode('gateway1', join(ROOT, 'services', 'gateway', 'dist', 'main.js'), [], {
    env: {
      SWITCHBOARD_NAMESPACE: namespace,
      KAFKA_BROKERS: env.brokers,
      REDIS_URL: env.redisUrl,
      PERSISTER_URL: 'http://127.0.0.1:9',
      ...BENCH_SERVICE_ENV,
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_ID: gatewayId,
      GATEWAY_REQUEST_TIMEOUT_MS: '600000',
    },
    nodeArgs: ['--enable-source-maps', ...cpuProfileArgs('gateway1')],
    echo: process.env.BENCH_SERVICE_OUTPUT === '1',
  });
  await waitHttpOk(`http://127.0.0.1:${port}/readyz`, gateway);

  let acked = 0;
  let refused = 0;
  function connect(userId: string): Promise<WebSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1?access_token=${encodeURIComponent(tokenFor(userId))}`, { perMessageDeflate: false });
    return new Promise<WebSocket>((resolveOpen, reject) => {
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`${userId}: closed before the welcome (${code})`)));
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith('{"type":"welcome"')) resolveOpen(ws);
        else if (text.startsWith('{"type":"ok"')) acked += 1;
        else if (text.startsWith('{"type":"error"')) refused += 1;
      });
    });
  }
  // A connection dropped before its welcome (see BENCHMARKS.md) is tried once more.
  const sockets = await Promise.all(
    Array.from({ length: senders }, (_, i) => connect(`${namespace}-s${i}`).catch(() => connect(`${namespace}-s${i}`))),
  );

  const body = 'x'.repeat(100);
  let sent = 0;
  /** Sends at the rate for `ms`, then waits until every send was answered. */
  async function phase(ms: number): Promise<void> {
    const started = Date.now();
    const first = sent;
    const count = Math.round((ms / 1000) * rate);
    const sender = setInterval(() => {
      const due = Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate));
      for (; sent - first < due; sent++) {
        const i = sent % senders;
        sockets[i]!.send(JSON.stringify({ type: 'send', id: String(sent), to: `${namespace}-r${i}`, clientMsgId: `c${sent}`, body }));
      }
    }, 5);
    while (sent - first < count) await sleep(20);
    clearInterval(sender);
    const until = Date.now() + 30_000;
    while (acked + refused < sent && Date.now() < until) await sleep(20);
    if (acked + refused < sent) throw new Error(`${sent - acked - refused} sends unanswered 30 s after the last`);
  }

  // The warm-up ends with everything answered, so that the measured phase starts without a backlog
  // and ends when its last send was answered.
  await phase(warmup * 1000);
  const from = { at: Date.now(), cpu: cpuTicks(gateway.pid), sent, pressure: readCpuPressureMicros() ?? 0 };
  await phase(seconds * 1000);
  const to = { at: Date.now(), cpu: cpuTicks(gateway.pid), sent, pressure: readCpuPressureMicros() ?? 0 };

  const messages = to.sent - from.sent;
  const wallMs = to.at - from.at;
  const userMs = (to.cpu.user - from.cpu.user) * 10;
  const systemMs = (to.cpu.system - from.cpu.system) * 10;
  const result = {
    rate,
    messages,
    seconds: wallMs / 1000,
    gatewayCpuPercent: Math.round(((userMs + systemMs) / wallMs) * 1000) / 10,
    microsPerMessage: Math.round(((userMs + systemMs) * 1000) / messages),
    userMicrosPerMessage: Math.round((userMs * 1000) / messages),
    systemMicrosPerMessage: Math.round((systemMs * 1000) / messages),
    cpuPressurePercent: Math.round(((to.pressure - from.pressure) / 1000 / wallMs) * 100),
    refused,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);

  for (const ws of sockets) ws.close();
  await gateway.stop();
  await consumer.disconnect();
  await producer.disconnect();
  await deleteNamespaceTopics(admin, namespace);
  await admin.disconnect();
  await deleteNamespaceKeys(env.redisUrl, namespace);
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway-cost: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
