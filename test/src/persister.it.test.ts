import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import pg from 'pg';
import { CONVERSATION_PARTITIONS, createKafka, ensureTopics, groupId, partitionFor, topicNames } from '@switchboard/kafka';
import { createPersister, migrate, type EventsBody, type HistoryBody, type Persister, type SyncedConversation } from '@switchboard/persister';
import { directConversationId, newGroupId, type ClientEvent } from '@switchboard/protocol';
import { createCodec, encodeEvent, loadFileCatalog, type Event, type EventBody } from '@switchboard/schemas';
import { createLogger, createMetrics, type MetricsRegistry } from '@switchboard/telemetry';
import { BROKERS } from './helpers/platform';
import { randomName } from './helpers/random';
import { databaseUrl, onServer } from './helpers/postgresServer';
import { waitForValue } from './helpers/waiting';

const codec = createCodec(loadFileCatalog());


let eventCount = 0;
function event(conversationId: string, seq: number | null, actorId: string, body: EventBody): Event {
  eventCount += 1;
  return {
    eventId: `00000000-0000-4000-8000-${String(eventCount).padStart(12, '0')}`,
    conversationId,
    kind: conversationId.startsWith('grp.') ? 'GROUP' : 'DIRECT',
    seq,
    occurredAt: 1_700_000_000_000 + eventCount,
    actorId,
    origin: null,
    traceparent: null,
    body,
  };
}

const message = (conversationId: string, seq: number, from: string, text: string, to: string | null = null): Event =>
  event(conversationId, seq, from, { type: 'MessageSent', messageId: `m-${conversationId}-${seq}`, clientMsgId: `c${seq}`, recipientId: to, body: text, contentType: 'text/plain' });

test('persister: projects the event log idempotently, resumes from its stored position, and serves history, gap fills and sync', { timeout: 300_000 }, async (t) => {
  const namespace = randomName('t');
  const database = `sb_test_${randomBytes(5).toString('hex')}`;
  const topic = topicNames(namespace).events;
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: `${namespace}-persister-it` });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  let pool: pg.Pool | undefined;
  let persister: Persister | undefined;
  await onServer(`CREATE DATABASE ${database}`);

  try {
    await migrate(databaseUrl(database));
    await admin.connect();
    await ensureTopics(admin, namespace);
    await producer.connect();
    const db = new pg.Pool({ connectionString: databaseUrl(database), max: 20 });
    // Idle connections are cut on purpose below; the pool replaces them.
    db.on('error', () => undefined);
    pool = db;

    const produce = async (events: readonly Event[]) => {
      await producer.send({
        topic,
        acks: -1,
        messages: events.map((e) => ({ key: e.conversationId, value: encodeEvent(codec, e), partition: partitionFor(e.conversationId, CONVERSATION_PARTITIONS) })),
      });
    };
    /** Waits until the offsets stored with the projection reach the end of every partition. */
    const projected = async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      await waitForValue('projection of every produced event', async () => {
        const { rows } = await db.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM persister_offsets WHERE topic = $1', [topic]);
        const stored = new Map(rows.map((r) => [r.partition, Number(r.next_offset)]));
        return ends.every((p) => Number(p.high) === 0 || (stored.get(p.partition) ?? 0) >= Number(p.high)) ? true : undefined;
      });
    };
    const start = async (metrics: MetricsRegistry) => {
      const instance = createPersister({ kafka, pool: db, codec, namespace, logger: createLogger('persister', 'warn'), metrics, httpPort: 0, httpHost: '127.0.0.1' });
      persister = instance;
      await instance.start();
      await waitForValue('persister readiness', async () => ((await instance.readiness()).ready ? true : undefined));
      return instance;
    };
    const rows = async (sql: string, values: unknown[] = []) => (await db.query(sql, values)).rows;

    const alice = 'alice';
    const bob = 'bob';
    const direct = directConversationId(alice, bob);
    const group = newGroupId();
    const messageCount = 20;
    const directEvents: Event[] = [];
    for (let seq = 1; seq <= messageCount; seq++) {
      const [from, to] = seq % 2 === 1 ? [alice, bob] : [bob, alice];
      directEvents.push(message(direct, seq, from, `message ${seq}`, to));
    }
    directEvents.push(
      event(direct, null, bob, { type: 'DeliveryAcked', userId: bob, upToSeq: 15 }),
      event(direct, null, bob, { type: 'ReadCursorMoved', userId: bob, upToSeq: 10 }),
      event(direct, null, bob, { type: 'ReadCursorMoved', userId: bob, upToSeq: 5 }),
      event(direct, 21, bob, { type: 'MessageEdited', targetSeq: 2, body: 'two, edited' }),
      event(direct, 22, bob, { type: 'MessageEdited', targetSeq: 2, body: 'two, edited again' }),
      event(direct, 23, alice, { type: 'MessageEdited', targetSeq: 3, body: 'three, edited' }),
      event(direct, 24, alice, { type: 'MessageDeleted', targetSeq: 3 }),
    );
    const groupEvents: Event[] = [
      event(group, 1, alice, { type: 'GroupCreated', name: 'Team', createdBy: alice, members: [alice, bob, 'carol'] }),
      message(group, 2, alice, 'welcome'),
      event(group, 3, alice, { type: 'MemberAdded', userId: 'dave', addedBy: alice }),
      message(group, 4, bob, 'nul\u0000inside'),
      event(group, 5, 'carol', { type: 'MemberRemoved', userId: 'carol', removedBy: 'carol' }),
      message(group, 6, 'dave', 'hi all'),
    ];
    const firstEvents = [...directEvents, ...groupEvents];

    const snapshot = async () => ({
      conversations: await rows('SELECT * FROM persister_conversations ORDER BY conversation_id'),
      members: await rows('SELECT * FROM persister_members ORDER BY conversation_id, user_id'),
      events: await rows('SELECT * FROM persister_events ORDER BY conversation_id, seq'),
      messages: await rows('SELECT * FROM persister_messages ORDER BY conversation_id, seq'),
      cursors: await rows('SELECT * FROM persister_read_cursors ORDER BY conversation_id, user_id'),
    });

    await t.test('projects conversations, members, timeline, messages and cursors', async () => {
      await start(createMetrics());
      await produce(firstEvents);
      await projected();

      assert.deepEqual(await rows('SELECT conversation_id, kind, name, last_seq FROM persister_conversations ORDER BY kind'), [
        { conversation_id: direct, kind: 'direct', name: null, last_seq: '24' },
        { conversation_id: group, kind: 'group', name: 'Team', last_seq: '6' },
      ]);
      assert.deepEqual(await rows('SELECT user_id, joined_seq, removed_seq FROM persister_members WHERE conversation_id = $1 ORDER BY user_id', [direct]), [
        { user_id: alice, joined_seq: '1', removed_seq: null },
        { user_id: bob, joined_seq: '1', removed_seq: null },
      ]);
      assert.deepEqual(await rows('SELECT user_id, joined_seq, removed_seq FROM persister_members WHERE conversation_id = $1 ORDER BY user_id', [group]), [
        { user_id: alice, joined_seq: '1', removed_seq: null },
        { user_id: bob, joined_seq: '1', removed_seq: null },
        { user_id: 'carol', joined_seq: '1', removed_seq: '5' },
        { user_id: 'dave', joined_seq: '3', removed_seq: null },
      ]);

      const timeline = await rows('SELECT seq, kind, payload FROM persister_events WHERE conversation_id = $1 ORDER BY seq', [direct]);
      assert.deepEqual(timeline.map((r) => Number(r.seq)), Array.from({ length: 24 }, (_, i) => i + 1));
      assert.deepEqual(timeline[0]?.payload, {
        conversationId: direct,
        conversationKind: 'direct',
        seq: 1,
        kind: 'message',
        actorId: alice,
        at: directEvents[0]!.occurredAt,
        messageId: `m-${direct}-1`,
        clientMsgId: 'c1',
        body: 'message 1',
        contentType: 'text/plain',
      });
      assert.equal(timeline[2]?.payload.body, undefined, 'the deleted message has no text in the timeline');
      assert.equal(timeline[22]?.payload.body, undefined, 'nor has the edit of the deleted message');
      assert.equal(timeline[21]?.payload.body, 'two, edited again', 'edits of a message that still exists keep their text');

      const [edited, deleted] = await rows(
        'SELECT seq, body, edit_count, edited_at IS NOT NULL AS edited, deleted_at IS NOT NULL AS deleted FROM persister_messages WHERE conversation_id = $1 AND seq IN (2, 3) ORDER BY seq',
        [direct],
      );
      assert.deepEqual(edited, { seq: '2', body: 'two, edited again', edit_count: 2, edited: true, deleted: false });
      assert.deepEqual(deleted, { seq: '3', body: null, edit_count: 1, edited: true, deleted: true });
      assert.equal((await rows('SELECT count(*)::int AS n FROM persister_messages WHERE conversation_id = $1', [direct]))[0]?.n, messageCount);
      assert.deepEqual(await rows('SELECT user_id, read_seq, delivered_seq FROM persister_read_cursors WHERE conversation_id = $1', [direct]), [
        { user_id: bob, read_seq: '10', delivered_seq: '15' },
      ]);
      assert.deepEqual(await rows('SELECT body FROM persister_messages WHERE conversation_id = $1 AND seq = 4', [group]), [{ body: 'nul\ufffdinside' }]);
    });

    await t.test('the same events again change nothing', async () => {
      const before = await snapshot();
      await produce(firstEvents);
      await produce([event(direct, null, bob, { type: 'ReadCursorMoved', userId: bob, upToSeq: 7 })]);
      await projected();
      assert.deepEqual(await snapshot(), before);
    });

    await t.test('a restarted persister resumes from the offsets stored with the projection, not from Kafka', async () => {
      await persister!.stop();
      persister = undefined;
      await produce([message(direct, 25, alice, 'while stopped', bob), message(direct, 26, bob, 'still stopped', alice)]);
      // Rewind the group's Kafka offsets: only the database may decide where to resume.
      await waitForValue('rewinding the consumer group', async () => {
        try {
          await admin.setOffsets({ groupId: groupId(namespace, 'persister', 'events'), topic, partitions: Array.from({ length: CONVERSATION_PARTITIONS }, (_, partition) => ({ partition, offset: '0' })) });
          return true;
        } catch {
          return undefined;
        }
      });
      const metrics = createMetrics();
      await start(metrics);
      await projected();
      assert.deepEqual(await rows('SELECT last_seq FROM persister_conversations WHERE conversation_id = $1', [direct]), [{ last_seq: '26' }]);
      const text = metrics.render();
      assert.match(text, /persister_batches_total\{outcome="repositioned"\} [1-9]/);
      assert.doesNotMatch(text, /persister_events_total\{result="duplicate"\} [1-9]/, 'nothing was projected twice');
      assert.match(text, /persister_events_total\{result="stored"\} 2\n/);
    });

    await t.test('HTTP API', async (api) => {
      const base = `http://127.0.0.1:${persister!.httpPort()}`;
      const get = async <T>(path: string) => {
        const res = await fetch(`${base}${path}`);
        return { status: res.status, body: (await res.json()) as T };
      };
      const seqs = (events: readonly ClientEvent[]) => events.map((e) => e.seq);

      await api.test('events after a seq, paged, with the deleted text gone', async () => {
        const page = await get<EventsBody>(`/v1/conversations/${direct}/events?userId=alice&after=10&limit=5`);
        assert.equal(page.status, 200);
        assert.deepEqual(seqs(page.body.events), [11, 12, 13, 14, 15]);
        assert.equal(page.body.hasMore, true);
        assert.equal(page.body.lastSeq, 26);
        const all = await get<EventsBody>(`/v1/conversations/${direct}/events?userId=bob`);
        assert.deepEqual(seqs(all.body.events), Array.from({ length: 26 }, (_, i) => i + 1));
        assert.equal(all.body.hasMore, false);
        assert.equal(all.body.events[2]?.body, undefined);
        assert.equal(all.body.events[23]?.kind, 'message_deleted');
      });

      await api.test('waitForSeq holds the answer until the projection reaches that seq', async () => {
        const waiting = get<EventsBody>(`/v1/conversations/${direct}/events?userId=alice&after=26&waitForSeq=27&waitMs=5000`);
        await produce([message(direct, 27, bob, 'late', alice)]);
        const answer = await waiting;
        assert.equal(answer.status, 200);
        assert.deepEqual(seqs(answer.body.events), [27]);
        assert.equal(answer.body.events[0]?.body, 'late');
      });

      await api.test('history pages backwards from the newest, each page ascending, from the seq the member joined at', async () => {
        const newest = await get<HistoryBody>(`/v1/conversations/${group}/history?userId=bob&limit=2`);
        assert.deepEqual([seqs(newest.body.events), newest.body.hasMore], [[5, 6], true]);
        const middle = await get<HistoryBody>(`/v1/conversations/${group}/history?userId=bob&limit=2&before=5`);
        assert.deepEqual([seqs(middle.body.events), middle.body.hasMore], [[3, 4], true]);
        const oldest = await get<HistoryBody>(`/v1/conversations/${group}/history?userId=bob&limit=2&before=3`);
        assert.deepEqual([seqs(oldest.body.events), oldest.body.hasMore], [[1, 2], false]);
        assert.deepEqual(oldest.body.events[0]?.members, [alice, bob, 'carol']);
        const joinedLater = await get<HistoryBody>(`/v1/conversations/${group}/history?userId=dave&limit=10`);
        assert.deepEqual([seqs(joinedLater.body.events), joinedLater.body.hasMore], [[3, 4, 5, 6], false]);
      });

      await api.test('sync returns what each member is missing, with read cursors', async () => {
        const res = await fetch(`${base}/v1/sync`, { method: 'POST', body: JSON.stringify({ userId: bob, cursors: { [direct]: 25 }, limit: 3 }) });
        assert.equal(res.status, 200);
        const { conversations } = (await res.json()) as { conversations: SyncedConversation[] };
        const byId = new Map(conversations.map((c) => [c.conversationId, c]));
        assert.deepEqual([...byId.keys()].sort(), [direct, group].sort());
        assert.deepEqual(seqs(byId.get(direct)!.events), [26, 27]);
        assert.equal(byId.get(direct)!.hasMore, false);
        assert.deepEqual(byId.get(direct)!.readCursors, { bob: 10 });
        assert.deepEqual(seqs(byId.get(group)!.events), [1, 2, 3]);
        assert.equal(byId.get(group)!.hasMore, true);
        assert.equal(byId.get(group)!.name, 'Team');

        const upToDate = await fetch(`${base}/v1/sync`, { method: 'POST', body: JSON.stringify({ userId: bob, cursors: { [direct]: 27, [group]: 6 } }) });
        assert.deepEqual(await upToDate.json(), { conversations: [] });
        const dave = await fetch(`${base}/v1/sync`, { method: 'POST', body: JSON.stringify({ userId: 'dave', cursors: {} }) });
        const daveConversations = ((await dave.json()) as { conversations: SyncedConversation[] }).conversations;
        assert.deepEqual(daveConversations.map((c) => [c.conversationId, seqs(c.events)]), [[group, [3, 4, 5, 6]]]);
        const removed = await fetch(`${base}/v1/sync`, { method: 'POST', body: JSON.stringify({ userId: 'carol' }) });
        assert.deepEqual(await removed.json(), { conversations: [] });
      });

      await api.test('a sync includes events committed just before it, projected or not yet', async () => {
        const fresh = directConversationId('erin', 'frank');
        const sent = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? message(fresh, i + 1, 'erin', `fresh ${i + 1}`, 'frank') : message(fresh, i + 1, 'frank', `fresh ${i + 1}`, 'erin')));
        await produce(sent);
        const res = await fetch(`${base}/v1/sync`, { method: 'POST', body: JSON.stringify({ userId: 'frank', cursors: {} }) });
        const { conversations } = (await res.json()) as { conversations: SyncedConversation[] };
        const synced = conversations.find((c) => c.conversationId === fresh);
        assert.ok(synced, 'the conversation created just before the sync is in it');
        assert.deepEqual(seqs(synced.events), sent.map((e) => e.seq));
      });

      await api.test('non-members, unknown conversations and bad parameters get their error codes', async () => {
        assert.deepEqual(await get(`/v1/conversations/${group}/events?userId=carol`), {
          status: 403,
          body: { code: 'not_member', message: `carol is not a member of ${group}` },
        });
        assert.equal((await get<{ code: string }>(`/v1/conversations/${direct}/history?userId=mallory`)).body.code, 'not_member');
        const unknown = await get<{ code: string }>(`/v1/conversations/${newGroupId()}/events?userId=alice`);
        assert.deepEqual([unknown.status, unknown.body.code], [404, 'conversation_not_found']);
        const bad = await get<{ code: string; message: string }>(`/v1/conversations/${direct}/events?userId=alice&limit=0`);
        assert.deepEqual([bad.status, bad.body.code], [400, 'invalid_request']);
        assert.match(bad.body.message, /"limit"/);
        const badBody = await fetch(`${base}/v1/sync`, { method: 'POST', body: '{' });
        assert.equal(badBody.status, 400);
      });

      await api.test('health, readiness and metrics on the same port', async () => {
        assert.equal((await fetch(`${base}/healthz`)).status, 200);
        assert.deepEqual(await get(`/readyz`), { status: 200, body: { ready: true } });
        const metrics = await (await fetch(`${base}/metrics`)).text();
        assert.match(metrics, /switchboard_persister_batch_ms_count \d+/);
        assert.match(metrics, /switchboard_persister_http_requests_total\{route="events",status="200"\} \d+/);
      });
    });

    await t.test('while the database is unreachable the persister is unready, and catches up once it is back', async () => {
      const instance = persister!;
      await onServer(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await onServer(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
      try {
        await produce([message(direct, 28, alice, 'during the outage', bob)]);
        const reason = await waitForValue('readiness to report the database', async () => {
          const state = await instance.readiness();
          return state.ready ? undefined : state.reason;
        });
        assert.match(reason ?? '', /^database: /);
      } finally {
        await onServer(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      }
      await projected();
      assert.deepEqual(await rows('SELECT body FROM persister_messages WHERE conversation_id = $1 AND seq = 28', [direct]), [{ body: 'during the outage' }]);
      await waitForValue('readiness after the outage', async () => ((await instance.readiness()).ready ? true : undefined));
    });

    await t.test('projection rate of a backlog', async () => {
      await persister!.stop();
      persister = undefined;
      const conversations = 500;
      const perConversation = 40;
      const backlog: Event[] = [];
      for (let c = 0; c < conversations; c++) {
        const id = newGroupId();
        backlog.push(event(id, 1, alice, { type: 'GroupCreated', name: `g${c}`, createdBy: alice, members: [alice, bob] }));
        for (let seq = 2; seq <= perConversation; seq++) backlog.push(message(id, seq, seq % 2 ? alice : bob, `backlog ${seq}`));
      }
      for (let i = 0; i < backlog.length; i += 2_000) await produce(backlog.slice(i, i + 2_000));
      const storedBefore = Number((await rows('SELECT count(*) AS n FROM persister_events'))[0]?.n);

      await start(createMetrics());
      const projectedSoFar = async () => Number((await rows('SELECT count(*) AS n FROM persister_events'))[0]?.n) - storedBefore;
      const firstSeen = await waitForValue('the first projected batch', async () => {
        const n = await projectedSoFar();
        return n > 0 ? { n, at: Date.now() } : undefined;
      });
      await projected();
      const elapsedMs = Date.now() - firstSeen.at;
      assert.equal(await projectedSoFar(), backlog.length);
      t.diagnostic(`projected ${backlog.length - firstSeen.n} events in ${elapsedMs} ms after the first batch: ${Math.round(((backlog.length - firstSeen.n) / Math.max(elapsedMs, 1)) * 1000)} events/s`);
    });
  } finally {
    await persister?.stop().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: Object.values(topicNames(namespace)) }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
});
