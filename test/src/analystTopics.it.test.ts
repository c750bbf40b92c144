import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { ConfigResourceTypes, Kafka, logLevel, type IHeaders } from 'kafkajs';
import { startPlatform, BROKERS, ROOT, type Platform } from './helpers/platform';
import { TestClient } from './helpers/client';
import { randomName } from './helpers/random';

/*
 * The topics as an analyst's tools see them: values decoded by @kafkajs/confluent-schema-registry
 * against the schema registry the persister serves, with none of Switchboard's codec code, and the
 * documents compared with what is on the topics.
 */

let platform: Platform;
let registryUrl: string;
const clients: TestClient[] = [];

before(async () => {
  platform = await startPlatform({ gateways: 2 });
  registryUrl = `http://127.0.0.1:${platform.services.get('persister')!.httpPort}/schema-registry`;
});

after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await platform?.stop();
});

interface TopicRecord {
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}

/** A decoded union of records, as avsc gives it with default options: `{ 'io.switchboard.X': fields }`. */
function variant(union: unknown): [string, Record<string, unknown>] {
  const entries = Object.entries(union as Record<string, Record<string, unknown>>);
  assert.equal(entries.length, 1, `a union value has one branch: ${JSON.stringify(union)}`);
  const [name, fields] = entries[0]!;
  return [name.replace(/^io\.switchboard\./, ''), fields];
}

/** avsc's record instances and Buffers as plain values, for deepEqual. */
function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : String(v)]));
}

/** Reads a topic from its start, read_committed, decoding each value with the registry, until `enough` holds. */
async function readTopic(registry: SchemaRegistry, topic: string, enough: (records: TopicRecord[]) => boolean): Promise<TopicRecord[]> {
  const kafka = new Kafka({ brokers: BROKERS.split(','), clientId: 'analyst', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: randomName('analyst-'), maxWaitTimeInMs: 100, readUncommitted: false });
  const records: TopicRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let failure: unknown;
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        try {
          assert.ok(message.value, `${topic} ${partition}@${message.offset} has a value`);
          const value = plain(await registry.decode(message.value)) as Record<string, unknown>;
          records.push({ partition, offset: message.offset, key: message.key?.toString('utf8') ?? '', headers: headerText(message.headers), value });
        } catch (err) {
          failure ??= err;
        }
      },
    });
    const deadline = Date.now() + 30_000;
    while (!enough(records) && failure === undefined) {
      if (Date.now() > deadline) throw new Error(`${topic}: not every expected record within 30 s; read ${records.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (failure !== undefined) throw failure;
    return records;
  } finally {
    await consumer.disconnect();
  }
}

const SDP_OFFER = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

interface Traffic {
  alice: TestClient;
  bob: TestClient;
  carol: string;
  direct: string;
  group: string;
}

let traffic: Promise<Traffic> | undefined;

/** One of each request an analyst must be able to read back: messages, edits, deletes, receipts, membership, typing, a signal. */
function runTraffic(): Promise<Traffic> {
  traffic ??= (async () => {
    const alice = await TestClient.connect(platform.gatewayUrls[0]!, randomName('ana'));
    const bob = await TestClient.connect(platform.gatewayUrls[1]!, randomName('ben'));
    clients.push(alice, bob);
    const carol = randomName('cid');
    const direct = String((await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'd-1', body: 'hello, bob' })).conversationId);
    const group = String((await alice.ok({ type: 'group.create', name: 'Analysts', members: [bob.userId] })).conversationId);
    await alice.ok({ type: 'send', conversationId: group, clientMsgId: 'g-1', body: 'first draft', contentType: 'text/markdown' });
    await alice.ok({ type: 'edit', conversationId: group, seq: 2, body: 'second draft' });
    await alice.ok({ type: 'send', conversationId: group, clientMsgId: 'g-2', body: 'regrettable' });
    await alice.ok({ type: 'delete', conversationId: group, seq: 4 });
    await bob.ok({ type: 'delivered', conversationId: group, seq: 5 });
    await bob.ok({ type: 'read', conversationId: group, seq: 5 });
    await alice.ok({ type: 'group.add', conversationId: group, userId: carol });
    await alice.ok({ type: 'group.remove', conversationId: group, userId: carol });
    await alice.ok({ type: 'typing', conversationId: group, active: true });
    await alice.ok({ type: 'signal', to: bob.userId, kind: 'offer', payload: SDP_OFFER });
    await bob.waitFor((f) => f.type === 'signal');
    return { alice, bob, carol, direct, group };
  })();
  return traffic;
}

/*
 * When a topic has been read far enough: a conversation's records are on one partition, in order,
 * but partitions are read side by side, so each waits for the last record of every partition it needs.
 */
const allEvents = (direct: string, group: string) => (rs: TopicRecord[]) =>
  rs.some((r) => r.value['conversationId'] === direct) && rs.some((r) => r.value['conversationId'] === group && r.value['eventType'] === 'MemberRemoved');
/** The twelve requests of runTraffic. */
const allCommands = (rs: TopicRecord[]) => rs.length >= 12;
/**
 * The last records for both gateways: the signal for bob's, the reply to alice's signal for hers (a
 * request that yields an event is answered by the event itself; the others get a CommandReply).
 */
const allDeliveries = (direct: string) => (rs: TopicRecord[]) => {
  const items = rs.flatMap((r) => (variant(r.value['body'])[1]['items'] as Record<string, unknown>[]).map((item) => variant(item['body'])));
  return (
    items.some(([kind, body]) => kind === 'EphemeralDelivery' && variant(body['body'])[0] === 'Signal') &&
    items.some(([kind, body]) => kind === 'CommandReply' && body['conversationId'] === direct)
  );
};

const eventFacts = (records: TopicRecord[], conversationId: string) =>
  records
    .filter((r) => r.value['conversationId'] === conversationId)
    .map((r) => {
      const [type, body] = variant(r.value['body']);
      return { eventType: r.value['eventType'], type, seq: r.value['seq'], actorId: r.value['actorId'], body };
    });

test('every topic decodes with @kafkajs/confluent-schema-registry against the registry the persister serves, to what was sent', async () => {
  const { alice, bob, carol, direct, group } = await runTraffic();
  const registry = new SchemaRegistry({ host: registryUrl });
  const ns = platform.namespace;
  const a = alice.userId;
  const b = bob.userId;

  // events: the canonical history, every kind named inside the value.
  const events = await readTopic(registry, `${ns}.events.v1`, allEvents(direct, group));
  const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  // A message's id is the router's (a UUID); the rest is what the requests said.
  const withoutMessageId = (facts: ReturnType<typeof eventFacts>) =>
    facts.map(({ body, ...fact }) => {
      const { messageId, ...rest } = body;
      if (fact.type === 'MessageSent') assert.match(String(messageId), new RegExp(`^${UUID}$`));
      return { ...fact, body: rest };
    });
  assert.deepEqual(withoutMessageId(eventFacts(events, direct)), [
    { eventType: 'MessageSent', type: 'MessageSent', seq: 1, actorId: a, body: { clientMsgId: 'd-1', recipientId: b, body: 'hello, bob', contentType: 'text/plain' } },
  ]);
  assert.deepEqual(withoutMessageId(eventFacts(events, group)), [
    { eventType: 'GroupCreated', type: 'GroupCreated', seq: 1, actorId: a, body: { name: 'Analysts', createdBy: a, members: [a, b] } },
    { eventType: 'MessageSent', type: 'MessageSent', seq: 2, actorId: a, body: { clientMsgId: 'g-1', recipientId: null, body: 'first draft', contentType: 'text/markdown' } },
    { eventType: 'MessageEdited', type: 'MessageEdited', seq: 3, actorId: a, body: { targetSeq: 2, body: 'second draft' } },
    { eventType: 'MessageSent', type: 'MessageSent', seq: 4, actorId: a, body: { clientMsgId: 'g-2', recipientId: null, body: 'regrettable', contentType: 'text/plain' } },
    { eventType: 'MessageDeleted', type: 'MessageDeleted', seq: 5, actorId: a, body: { targetSeq: 4 } },
    { eventType: 'DeliveryAcked', type: 'DeliveryAcked', seq: null, actorId: b, body: { userId: b, upToSeq: 5 } },
    { eventType: 'ReadCursorMoved', type: 'ReadCursorMoved', seq: null, actorId: b, body: { userId: b, upToSeq: 5 } },
    { eventType: 'MemberAdded', type: 'MemberAdded', seq: 6, actorId: a, body: { userId: carol, addedBy: a } },
    { eventType: 'MemberRemoved', type: 'MemberRemoved', seq: 7, actorId: a, body: { userId: carol, removedBy: a } },
  ]);
  for (const r of events) {
    assert.equal(r.key, r.value['conversationId']);
    assert.deepEqual([r.headers['event-type'], r.headers['conversation-id']], [r.value['eventType'], r.value['conversationId']]);
    assert.equal(r.value['kind'], r.value['conversationId'] === direct ? 'DIRECT' : 'GROUP');
    const origin = r.value['origin'] as Record<string, unknown>;
    // eventId: <commandId, a UUID>:<seq>, or :r for a receipt.
    assert.match(String(r.value['eventId']), new RegExp(`^${UUID}:(\\d+|r)$`));
    assert.equal(String(r.value['eventId']).split(':')[1], r.value['seq'] === null ? 'r' : String(r.value['seq']));
    assert.equal(origin['userId'], r.value['actorId']);
  }
  assert.ok(!events.some((r) => ['Typing', 'Signal'].includes(String(r.value['eventType']))), 'no typing or signal on the events topic');

  // commands: what the gateways received, the signal's SDP included.
  const commands = await readTopic(registry, `${ns}.commands.v1`, allCommands);
  const sent = commands.map((r) => {
    const [type, body] = variant(r.value['body']);
    assert.equal(r.value['commandType'], type);
    assert.deepEqual([r.headers['command-type'], r.headers['conversation-id'], r.key], [type, r.value['conversationId'], r.value['conversationId']]);
    assert.ok(Number(r.headers['sb-received-at']) > 0, 'sb-received-at is epoch milliseconds');
    return { type, conversationId: r.value['conversationId'], by: (r.value['origin'] as Record<string, unknown>)['userId'], body };
  });
  // A conversation's commands share a partition, so they are read in the order they were sent.
  const typesIn = (conversationId: string) => sent.filter((c) => c.conversationId === conversationId).map((c) => [c.type, c.by]);
  assert.deepEqual(typesIn(direct), [
    ['SendMessage', a],
    ['Signal', a],
  ]);
  assert.deepEqual(typesIn(group), [
    ['CreateGroup', a],
    ['SendMessage', a],
    ['EditMessage', a],
    ['SendMessage', a],
    ['DeleteMessage', a],
    ['AckDelivery', b],
    ['MarkRead', b],
    ['AddMember', a],
    ['RemoveMember', a],
    ['Typing', a],
  ]);
  assert.equal(sent.length, 12, 'no other commands');
  assert.deepEqual(sent.find((c) => c.type === 'Signal')?.body, { toUserId: b, kind: 'OFFER', payload: SDP_OFFER });
  assert.deepEqual(sent.find((c) => c.type === 'Typing')?.body, { active: true });

  // deliveries: one DeliveryBatch per gateway and transaction; its events are the events topic's bytes.
  const deliveries = await readTopic(registry, `${ns}.deliveries.v1`, allDeliveries(direct));
  const byEventId = new Map(events.map((r) => [String(r.value['eventId']), r.value]));
  let eventItems = 0;
  const ephemeral: unknown[] = [];
  for (const r of deliveries) {
    assert.deepEqual([r.headers['gateway-id'], r.headers['delivery-type'], r.key], [r.value['gatewayId'], 'DeliveryBatch', r.value['gatewayId']]);
    const [type, batch] = variant(r.value['body']);
    assert.equal(type, 'DeliveryBatch');
    for (const item of batch['items'] as Record<string, unknown>[]) {
      const [kind, body] = variant(item['body']);
      if (kind === 'EncodedEventDelivery') {
        const event = plain(await registry.decode(body['event'] as Buffer)) as Record<string, unknown>;
        assert.deepEqual(event, byEventId.get(String(event['eventId'])), 'an event delivered is the event on the events topic');
        eventItems++;
      } else if (kind === 'EphemeralDelivery') {
        ephemeral.push({ ...body, body: variant(body['body']) });
      } else {
        assert.equal(kind, 'CommandReply');
      }
    }
  }
  assert.ok(eventItems >= 10, `events are delivered to the members' gateways (${eventItems})`);
  assert.deepEqual(ephemeral, [
    { conversationId: group, fromUserId: a, recipients: [b], body: ['Typing', { active: true }] },
    { conversationId: direct, fromUserId: a, recipients: [b], body: ['Signal', { toUserId: b, kind: 'OFFER', payload: SDP_OFFER }] },
  ]);
});

/** catalog.json and the schema files, read as files: what the registry must serve. */
function checkedInSchemas(): { id: number; subject: string; version: number; schema: unknown }[] {
  const dir = join(ROOT, 'libs', 'schemas');
  const rows = (JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as { schemas: { id: number; subject: string; version: number }[] }).schemas;
  return rows.map((row) => ({ ...row, schema: JSON.parse(readFileSync(join(dir, 'avro', row.subject, `v${row.version}.avsc`), 'utf8')) }));
}

async function getJson(path: string): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const res = await fetch(`${registryUrl}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
}

test('the registry serves exactly the checked-in schemas under <topic>-value and record-name subjects', async () => {
  const ns = platform.namespace;
  const schemas = checkedInSchemas();
  const latestEvent = schemas.filter((s) => s.subject === 'io.switchboard.Event').sort((x, y) => y.version - x.version)[0]!;
  const latest = await getJson(`/subjects/${ns}.events.v1-value/versions/latest`);
  assert.equal(latest.status, 200);
  assert.equal(latest.type, 'application/vnd.schemaregistry.v1+json');
  assert.deepEqual({ ...latest.body, schema: JSON.parse(String(latest.body['schema'])) }, {
    subject: `${ns}.events.v1-value`,
    version: latestEvent.version,
    id: latestEvent.id,
    schema: latestEvent.schema,
  });
  for (const s of schemas) {
    const byId = await getJson(`/schemas/ids/${s.id}`);
    assert.equal(byId.status, 200, `id ${s.id}`);
    assert.deepEqual(JSON.parse(String(byId.body['schema'])), s.schema, `id ${s.id}`);
  }
  const subjects = (await getJson('/subjects')).body as unknown as string[];
  for (const name of ['commands', 'events', 'deliveries']) assert.ok(subjects.includes(`${ns}.${name}.v1-value`), name);
  for (const s of schemas) assert.ok(subjects.includes(s.subject), s.subject);
  assert.deepEqual((await getJson('/config')).body, { compatibilityLevel: 'BACKWARD_TRANSITIVE' });
  assert.deepEqual((await getJson('/subjects/nothing-value/versions/latest')).body['error_code'], 40401);
  assert.deepEqual((await getJson(`/subjects/${ns}.events.v1-value/versions/99`)).body['error_code'], 40402);
  assert.deepEqual((await getJson('/schemas/ids/99999')).body['error_code'], 40403);
});

/** The rows of docs/analytics.md's table of topics: topic id, header names (optional ones apart), retention, typing and signals. */
function analyticsTable(): Map<string, { headers: string[]; optional: string[]; retention: string; ephemeral: string }> {
  const text = readFileSync(join(ROOT, 'docs', 'analytics.md'), 'utf8');
  const rows = new Map<string, { headers: string[]; optional: string[]; retention: string; ephemeral: string }>();
  for (const line of text.split('\n')) {
    const match = /^\| `<ns>\.(\w+)\.v1` \|(.*)\|$/.exec(line);
    if (!match) continue;
    const cells = match[2]!.split('|').map((c) => c.trim());
    const headerCell = cells[1] ?? '';
    const names = (s: string) => [...s.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!);
    rows.set(match[1]!, {
      headers: names(headerCell.replace(/`[a-z-]+` \(when [^)]*\)/g, '')),
      optional: names(headerCell).filter((h) => new RegExp(`\`${h}\` \\(when`).test(headerCell)),
      retention: cells[2] ?? '',
      ephemeral: cells[3] ?? '',
    });
  }
  return rows;
}

function formatRetention(ms: number): string {
  if (ms < 0) return 'forever';
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${ms / 60_000} min`;
}

test('docs/topics.md, docs/protocol.md and docs/analytics.md say what is on the topics: headers, retention, where typing and signals go', async () => {
  const { direct, group } = await runTraffic();
  const ns = platform.namespace;
  const registry = new SchemaRegistry({ host: registryUrl });
  const observed = {
    commands: await readTopic(registry, `${ns}.commands.v1`, allCommands),
    events: await readTopic(registry, `${ns}.events.v1`, allEvents(direct, group)),
    deliveries: await readTopic(registry, `${ns}.deliveries.v1`, allDeliveries(direct)),
  };
  const kafka = new Kafka({ brokers: BROKERS.split(','), clientId: 'analyst-docs', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: Object.keys(observed).map((id) => ({ type: ConfigResourceTypes.TOPIC, name: `${ns}.${id}.v1`, configNames: ['retention.ms', 'segment.ms'] })),
  });
  await admin.disconnect();
  const config = (id: string, name: string) =>
    Number(described.resources.find((r) => r.resourceName === `${ns}.${id}.v1`)?.configEntries.find((e) => e.configName === name)?.configValue);

  const topicsDoc = readFileSync(join(ROOT, 'docs', 'topics.md'), 'utf8');
  const protocolDoc = readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8');
  const table = analyticsTable();
  assert.deepEqual([...table.keys()].sort(), Object.keys(observed).sort(), 'docs/analytics.md lists every topic');
  // topics.md: "Headers (...): on commands `a`, `b` and `c` (...); on events ...; on deliveries ... ."
  const headerParagraph = /Headers \(UTF-8 strings\):([\s\S]*?)\n\n/.exec(topicsDoc)?.[1] ?? '';
  const topicsDocHeaders = (label: string) =>
    [...(new RegExp(`on ${label} ([\\s\\S]*?)(;|\\n?\\.)`).exec(headerParagraph.replace(/\([^)]*\)/g, ''))?.[1] ?? '').matchAll(/`([a-z-]+)`/g)].map(
      (m) => m[1]!,
    );
  const throughTopics = [...(/pass\s+through ([\s\S]*?), which keep records for minutes/.exec(topicsDoc)?.[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]!);
  const protocolMinutes = /keep records for minutes\s+only \((\d+) min and (\d+) min, segments closed every minute/.exec(protocolDoc);
  assert.ok(protocolMinutes, 'docs/protocol.md states the retention of the topics typing and signals cross');

  for (const [id, records] of Object.entries(observed)) {
    const seen = new Set(records.flatMap((r) => Object.keys(r.headers)));
    const row = table.get(id)!;
    const retention = config(id, 'retention.ms');
    // Every record has the documented headers, and nothing else is found.
    for (const r of records) for (const h of row.headers) assert.ok(h in r.headers, `${id}: ${h} on every record`);
    assert.deepEqual([...seen].filter((h) => !row.headers.includes(h) && !row.optional.includes(h)), [], `${id}: undocumented headers`);
    assert.deepEqual(topicsDocHeaders(id).sort(), [...row.headers, ...row.optional].sort(), `${id}: docs/topics.md and docs/analytics.md name the same headers`);
    // Retention as the broker has it.
    assert.equal(row.retention, formatRetention(retention), `${id}: retention in docs/analytics.md`);
    assert.match(topicsDoc, new RegExp(`\\| \`switchboard\\.${id}\\.v1\` \\| [^\\n]*\\| ${formatRetention(retention)} \\|`), `${id}: retention in docs/topics.md`);
    // Typing and signals: found exactly on the topics the documents say carry them, kept for minutes there.
    const carries = records.some((r) => /"io\.switchboard\.(Typing|Signal)"/.test(JSON.stringify(r.value)));
    assert.equal(carries, row.ephemeral !== 'never', `${id}: docs/analytics.md on typing and signals`);
    assert.equal(carries, throughTopics.includes(id), `${id}: docs/topics.md on typing and signals`);
    if (carries) {
      assert.ok(retention > 0 && retention <= 15 * 60_000, `${id} keeps typing and signals for minutes (${retention} ms)`);
      assert.equal(config(id, 'segment.ms'), 60_000, `${id}: segments close every minute`);
      assert.equal(Number(protocolMinutes[id === 'commands' ? 1 : 2]) * 60_000, retention, `${id}: retention in docs/protocol.md`);
      assert.match(topicsDoc, /closed every 1 min \(`segment\.ms`\)/);
    }
  }
});
