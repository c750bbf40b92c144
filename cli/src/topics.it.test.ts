import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, ensureTopics, topicNames } from '@switchboard/kafka';
import { createCodec, encodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import type { Kafka } from 'kafkajs';

const MAIN = join(__dirname, 'main.js');
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const codec = createCodec(loadFileCatalog());

interface Line {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  headers?: Record<string, string>;
  value?: unknown;
  error?: { code: string };
}

function event(conversation: number, seq: number, body = `message ${seq} in ${conversation} ✓`): Event {
  const conversationId = `grp.${String(conversation).padStart(32, '0')}`;
  return {
    eventId: `${conversationId}:${seq}`,
    conversationId,
    kind: 'GROUP',
    seq,
    occurredAt: 1_732_431_000_000 + seq,
    actorId: `user${seq % 3}`,
    origin: seq % 2 === 0 ? null : { gatewayId: 'gw-1', sessionId: 's-1', userId: `user${seq % 3}`, requestId: `r-${seq}` },
    traceparent: null,
    body: { type: 'MessageSent', messageId: `m-${seq}`, clientMsgId: `c-${seq}`, recipientId: null, body, contentType: 'text/plain' },
  };
}

/** Runs the built command; resolves with its exit code, stdout lines and stderr. */
function tail(args: string[], onStderr?: (text: string) => void): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, 'topics', 'tail', ...args], { env: { ...process.env, KAFKA_BROKERS: BROKERS }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, lines: stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line) });
    }),
  );
}

async function setUp(): Promise<{ kafka: Kafka; namespace: string; topic: string }> {
  const namespace = `cli${randomBytes(5).toString('hex')}`;
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'cli-tail-it', log: () => undefined });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, namespace);
  await admin.disconnect();
  return { kafka, namespace, topic: topicNames(namespace).events };
}

/** Runs any command of the built program. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, KAFKA_BROKERS: BROKERS }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const byPosition = (a: Line, b: Line) => a.partition - b.partition || a.offset - b.offset;

test('topics tail decodes the Avro records of a real topic, committed ones only, stops at the end, and commits nothing', async () => {
  const { kafka, namespace, topic } = await setUp();
  const expected: Line[] = [];
  const producer = kafka.producer({ transactionalId: `${namespace}.cli-it`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // Written in transactions as the router writes events: the end offsets include commit markers.
  for (let batch = 0; batch < 4; batch++) {
    const transaction = await producer.transaction();
    for (let i = 0; i < 6; i++) {
      const seq = batch * 6 + i + 1;
      const value = event(seq % 5, seq);
      const timestamp = 1_732_431_000_000 + seq * 1000;
      const [meta] = await transaction.send({
        topic,
        messages: [{ key: value.conversationId, value: encodeEvent(codec, value), timestamp: String(timestamp), headers: { 'event-type': 'MessageSent' } }],
      });
      expected.push({ topic, partition: meta!.partition, offset: Number(meta!.baseOffset), timestamp, key: value.conversationId, headers: { 'event-type': 'MessageSent' }, value });
    }
    await transaction.commit();
  }
  const aborted = await producer.transaction();
  await aborted.send({ topic, messages: [{ key: event(1, 99).conversationId, value: encodeEvent(codec, event(1, 99, 'never committed')) }] });
  await aborted.abort();
  await producer.disconnect();
  const plain = kafka.producer();
  await plain.connect();
  const [garbage] = await plain.send({ topic, messages: [{ key: 'poison', value: Buffer.from('not avro'), timestamp: '1732431999000' }] });
  await plain.disconnect();

  const all = await tail(['events', '--from-beginning', '--namespace', namespace]);
  assert.equal(all.code, 0, all.stderr);
  const lines = [...all.lines].sort(byPosition);
  const poison = lines.find((l) => l.key === 'poison');
  assert.deepEqual(
    lines.filter((l) => l !== poison),
    expected.sort(byPosition),
  );
  assert.equal(poison?.partition, garbage!.partition);
  assert.equal(poison?.error?.code, 'WIRE_FORMAT');
  assert.match(all.stderr, /1 record\(s\) could not be decoded/);
  assert.ok(!all.lines.some((l) => JSON.stringify(l).includes('never committed')), 'an aborted record was printed');

  const partition = expected[0]!.partition;
  const some = await tail([topic, '--from-beginning', '--partition', String(partition), '--limit', '2', '--namespace', namespace]);
  assert.equal(some.code, 0, some.stderr);
  assert.deepEqual(some.lines, expected.filter((l) => l.partition === partition).slice(0, 2));

  const fromEnd = await tail(['events', '--namespace', namespace]);
  assert.deepEqual([fromEnd.code, fromEnd.lines], [0, []]);

  const admin = kafka.admin();
  await admin.connect();
  const groups = (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(`${namespace}.cli.tail.`));
  assert.ok(groups.length >= 1, 'the tails read as members of groups of their own');
  for (const group of groups) {
    const offsets = await admin.fetchOffsets({ groupId: group.groupId, topics: [topic] });
    assert.deepEqual(offsets.flatMap((t) => t.partitions.filter((p) => p.offset !== '-1')), [], `${group.groupId} committed offsets`);
  }
  await admin.disconnect();
});

test('topics tail reads a partition past the first fetch (over 1 MiB) and follows new records', async () => {
  const { kafka, namespace, topic } = await setUp();
  const producer = kafka.producer();
  await producer.connect();
  const big = 'x'.repeat(1000);
  const count = 1500;
  for (let from = 1; from <= count; from += 250) {
    const values = Array.from({ length: 250 }, (_, i) => event(7, from + i, `${from + i} ${big}`));
    await producer.send({ topic, messages: values.map((v) => ({ key: v.conversationId, value: encodeEvent(codec, v) })) });
  }
  const all = await tail(['events', '--from-beginning', '--namespace', namespace]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.lines.length, count);
  assert.deepEqual(
    all.lines.map((l) => (l.value as Event).seq),
    Array.from({ length: count }, (_, i) => i + 1),
  );
  assert.match(all.stderr, /\[#+\] 1500\/1500  100%/, 'progress lines for a large read on a non-terminal stderr');

  let ready!: () => void;
  const following = new Promise<void>((resolve) => (ready = resolve));
  const followed = tail(['events', '--follow', '--limit', '2', '--namespace', namespace], (text) => {
    if (text.includes('following new records')) ready();
  });
  await following;
  const fresh = [event(8, 1, 'fresh one'), event(9, 1, 'fresh two')];
  for (const value of fresh) await producer.send({ topic, messages: [{ key: value.conversationId, value: encodeEvent(codec, value) }] });
  await producer.disconnect();
  const result = await followed;
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    result.lines.map((l) => l.value).sort((a, b) => (a as Event).conversationId.localeCompare((b as Event).conversationId)),
    fresh,
  );
});

test('topics list compares the catalogue with the broker; a missing topic is EX_NOINPUT', async () => {
  const { kafka, namespace } = await setUp();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: `${namespace}.events.v1.dlq`, numPartitions: 2 }] });
  await admin.disconnect();
  const listed = await run(['topics', 'list', '--json', '--namespace', namespace]);
  assert.equal(listed.code, 0, listed.stderr);
  const rows = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; broker?: { partitions: number; retentionMs: number }; status: string[] });
  assert.deepEqual(
    rows.map((r) => [r.name, r.broker?.partitions, r.broker?.retentionMs, r.status]),
    [
      [`${namespace}.commands.v1`, 12, 600_000, ['ok']],
      [`${namespace}.events.v1`, 12, -1, ['ok']],
      [`${namespace}.deliveries.v1`, 16, 300_000, ['ok']],
      [`${namespace}.events.v1.dlq`, 2, 604_800_000, ['not in the catalogue']],
    ],
  );
  const missing = await run(['topics', 'tail', `${namespace}.nothing.v1`, '--namespace', namespace]);
  assert.equal(missing.code, 66);
  assert.match(missing.stderr, new RegExp(`^switchboard topics tail: no topic ${namespace}\\.nothing\\.v1 on Kafka at `));
});

test('stack status runs the local stack\'s own command and passes its report through', async () => {
  const status = await run(['stack', 'status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { components: { component: string; state: string }[] };
  assert.deepEqual(report.components.map((c) => [c.component, c.state]), [['kafka', 'up'], ['postgres', 'up'], ['redis', 'up']]);
});
