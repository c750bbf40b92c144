import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import pg from 'pg';
import { CONVERSATION_PARTITIONS, createKafka, ensureTopics, partitionFor, topicNames } from '@switchboard/kafka';
import { createPersister, migrate, type Persister } from '@switchboard/persister';
import { directConversationId } from '@switchboard/protocol';
import { createCodec, encodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { BROKERS } from './helpers/platform';
import { randomName } from './helpers/random';
import { databaseUrl, onServer } from './helpers/postgresServer';
import { waitForValue } from './helpers/waiting';

const codec = createCodec(loadFileCatalog());
const PARTITIONS_USED = 6;
const EVENTS_PER_CONVERSATION = 20;


/** One direct conversation on each of `count` different partitions. */
function conversationsOnDistinctPartitions(count: number): string[] {
  const byPartition = new Map<number, string>();
  for (let i = 0; byPartition.size < count; i++) {
    const id = directConversationId(`round-a${i}`, `round-b${i}`);
    const partition = partitionFor(id, CONVERSATION_PARTITIONS);
    if (!byPartition.has(partition)) byPartition.set(partition, id);
  }
  return [...byPartition.values()];
}

function messages(conversationId: string): Event[] {
  return Array.from({ length: EVENTS_PER_CONVERSATION }, (_, i) => ({
    eventId: `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`,
    conversationId,
    kind: 'DIRECT',
    seq: i + 1,
    occurredAt: 1_700_000_000_000 + i,
    actorId: 'sender',
    origin: null,
    traceparent: null,
    body: { type: 'MessageSent', messageId: `m-${conversationId}-${i + 1}`, clientMsgId: `c${i + 1}`, recipientId: 'peer', body: `text ${i + 1}`, contentType: 'text/plain' },
  }));
}

/*
 * While armed, every insert into persister_conversations fails, after the round's timeline rows
 * were written in the same transaction. Sequences are not transactional, so they
 * keep what the failed attempts saw: how many there were, and the most conversations (here: the
 * most partitions) one of them carried.
 */
const ARM = `
  CREATE SEQUENCE round_attempts;
  CREATE SEQUENCE round_widest MINVALUE 0 START 0;
  CREATE FUNCTION fail_round() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE width bigint;
  BEGIN
    SELECT count(DISTINCT conversation_id) INTO width FROM added;
    PERFORM nextval('round_attempts');
    IF width > (SELECT last_value FROM round_widest) THEN PERFORM setval('round_widest', width); END IF;
    RAISE EXCEPTION 'failing the round on purpose';
  END $$;
  CREATE TRIGGER fail_round AFTER INSERT ON persister_conversations REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION fail_round();`;

test('a round spanning several partitions is stored all or nothing, and retried whole after a database failure', { timeout: 180_000 }, async () => {
  const namespace = randomName('t');
  const database = `sb_test_${randomBytes(5).toString('hex')}`;
  const topic = topicNames(namespace).events;
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: `${namespace}-rounds-it` });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await onServer(`CREATE DATABASE ${database}`);
  const pool = new pg.Pool({ connectionString: databaseUrl(database), max: 10 });
  pool.on('error', () => undefined);
  let persister: Persister | undefined;
  try {
    await migrate(pool);
    await admin.connect();
    await ensureTopics(admin, namespace);
    await producer.connect();
    const conversations = conversationsOnDistinctPartitions(PARTITIONS_USED);
    const events = conversations.flatMap(messages);
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((e) => ({ key: e.conversationId, value: encodeEvent(codec, e), partition: partitionFor(e.conversationId, CONVERSATION_PARTITIONS) })),
    });
    const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n);
    const stored = async () => ({
      events: await count('SELECT count(*) AS n FROM persister_events'),
      messages: await count('SELECT count(*) AS n FROM persister_messages'),
      conversations: await count('SELECT count(*) AS n FROM persister_conversations'),
      offsets: await count('SELECT count(*) AS n FROM persister_offsets'),
    });

    await pool.query(ARM);
    const metrics = createMetrics();
    persister = createPersister({ kafka, pool, codec, namespace, logger: createLogger('persister', 'error'), metrics, httpPort: 0, httpHost: '127.0.0.1' });
    await persister.start();

    const widest = await waitForValue('a failed attempt carrying every partition', async () => {
      const attempts = await count('SELECT last_value AS n FROM round_attempts');
      const width = await count('SELECT last_value AS n FROM round_widest');
      return attempts >= 2 && width === PARTITIONS_USED ? width : undefined;
    });
    assert.equal(widest, PARTITIONS_USED);
    assert.deepEqual(await stored(), { events: 0, messages: 0, conversations: 0, offsets: 0 }, 'nothing of a failed round is stored');
    assert.match((await persister.readiness()).reason ?? '', /^database: failing the round on purpose/);

    await pool.query('DROP TRIGGER fail_round ON persister_conversations');
    const ends = await admin.fetchTopicOffsets(topic);
    await waitForValue('the projection of every event', async () => {
      const { rows } = await pool.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM persister_offsets WHERE topic = $1', [topic]);
      const positions = new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
      return ends.every((p) => (positions.get(p.partition) ?? 0) >= Number(p.high)) ? true : undefined;
    });
    assert.deepEqual(await stored(), { events: events.length, messages: events.length, conversations: PARTITIONS_USED, offsets: PARTITIONS_USED });
    const { rows } = await pool.query<{ last_seq: string }>('SELECT last_seq FROM persister_conversations');
    assert.deepEqual(rows.map((r) => Number(r.last_seq)), Array(PARTITIONS_USED).fill(EVENTS_PER_CONVERSATION));
    const text = metrics.render();
    assert.match(text, new RegExp(`persister_events_total\\{result="stored"\\} ${events.length}\\n`));
    assert.doesNotMatch(text, /persister_events_total\{result="duplicate"\} [1-9]/);
    assert.match(text, /persister_batches_total\{outcome="failed"\} [1-9]/);
  } finally {
    await persister?.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: Object.values(topicNames(namespace)) }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
});
