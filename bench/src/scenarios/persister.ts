import { join } from 'node:path';
import { Client } from 'pg';
import { Partitioners } from 'kafkajs';
import { createKafka, topicNames } from '@switchboard/kafka';
import { directConversationId } from '@switchboard/protocol';
import { createCodec, encodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { freePort, sleep, spawnNode, waitHttpOk } from '../platform/processes';
import { createNamespace, randomNamespace } from '../platform/switchboard';
import { usageOf, type BenchContext } from './context';
import type { RunOf } from './messaging';

export interface PersisterResult {
  events: number;
  conversations: number;
  prefillSeconds: number;
  /** Spawn to /readyz (consumer joined). */
  startSeconds: number;
  /** Ready to the last event projected. */
  projectSeconds: number;
  eventsPerSecond: number;
  rowsStored: number;
}

/** Message events of `conversations` direct conversations, interleaved as live traffic would be. */
export function* syntheticEvents(count: number, conversations: number, at: number): Generator<Event> {
  const body = 'benchmark message body '.repeat(4);
  for (let i = 0; i < count; i++) {
    const c = i % conversations;
    const seq = Math.floor(i / conversations) + 1;
    const sender = `p${c}a`;
    const recipient = `p${c}b`;
    yield {
      eventId: `e${c}:${seq}`,
      conversationId: directConversationId(sender, recipient),
      kind: 'DIRECT',
      seq,
      occurredAt: at + i,
      actorId: sender,
      origin: null,
      traceparent: null,
      body: { type: 'MessageSent', messageId: `m${c}-${seq}`, clientMsgId: `c${seq}`, recipientId: recipient, body, contentType: 'text/plain' },
    };
  }
}

/**
 * S6: the events topic of a fresh namespace is filled first, then a persister process starts and
 * projects it into an empty database; timed from its readiness to the last stored position.
 */
export async function runPersister(ctx: BenchContext, options: { events: number; conversations: number }): Promise<RunOf<PersisterResult>> {
  const namespace = randomNamespace('bench');
  const scratch = await createNamespace(ctx.env, namespace);
  const topic = topicNames(namespace).events;
  const codec = createCodec(loadFileCatalog());
  try {
    const kafka = createKafka({ brokers: ctx.env.brokers.split(','), clientId: 'bench-prefill' });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const prefillStarted = Date.now();
    let batch: { key: string; value: Buffer }[] = [];
    const inFlight = new Set<Promise<unknown>>();
    const flush = async () => {
      const messages = batch;
      batch = [];
      const p = producer.send({ topic, messages, acks: -1 }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    };
    for (const event of syntheticEvents(options.events, options.conversations, Date.now())) {
      batch.push({ key: event.conversationId, value: encodeEvent(codec, event) });
      if (batch.length >= 2_000) await flush();
    }
    if (batch.length > 0) await flush();
    await Promise.all(inFlight);
    await producer.disconnect();
    const prefillSeconds = (Date.now() - prefillStarted) / 1000;
    ctx.log(`  S6: ${options.events} events written in ${prefillSeconds.toFixed(1)} s`);

    const port = await freePort();
    const from = ctx.sampler.mark();
    const spawned = Date.now();
    const proc = spawnNode('persister', join(ctx.env.root, 'services', 'persister', 'dist', 'main.js'), [], {
      nodeArgs: ['--enable-source-maps', ...(process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      env: {
        SWITCHBOARD_NAMESPACE: namespace,
        KAFKA_BROKERS: ctx.env.brokers,
        DATABASE_URL: scratch.databaseUrl,
        PERSISTER_HTTP_PORT: String(port),
        PERSISTER_HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
    });
    ctx.sampler.track({ name: 's6-persister', pids: () => [proc.pid] });
    const db = new Client({ connectionString: scratch.databaseUrl });
    try {
      await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc);
      const ready = Date.now();
      await db.connect();
      let done = 0;
      const until = Date.now() + 300_000;
      while (Date.now() < until) {
        const { rows } = await db.query<{ total: string }>('SELECT coalesce(sum(next_offset), 0) AS total FROM persister_offsets WHERE topic = $1', [topic]);
        if (Number(rows[0]?.total ?? 0) >= options.events) {
          done = Date.now();
          break;
        }
        await sleep(50);
      }
      const to = ctx.sampler.mark();
      if (!done) throw new Error(`the persister did not project ${options.events} events within 300 s`);
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM persister_events');
      const projectSeconds = (done - ready) / 1000;
      const result: PersisterResult = {
        events: options.events,
        conversations: options.conversations,
        prefillSeconds,
        startSeconds: (ready - spawned) / 1000,
        projectSeconds,
        eventsPerSecond: options.events / projectSeconds,
        rowsStored: Number(rows[0]?.n ?? 0),
      };
      ctx.log(`  S6: ${Math.round(result.eventsPerSecond)} events/s (${result.rowsStored} rows)`);
      return { system: 'switchboard', label: 'Switchboard persister', result, usage: usageOf(ctx, from, to, ['s6-persister']) };
    } finally {
      await db.end().catch(() => undefined);
      await proc.stop();
      ctx.sampler.untrack('s6-persister');
    }
  } finally {
    await scratch.drop();
  }
}
