import assert from 'node:assert/strict';
import { Client } from 'pg';
import { ERROR_CODES, isErrorCode } from '@switchboard/errors';
import { createKafka, createPartitionReader, topicNames } from '@switchboard/kafka';
import { createCodec, decodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { sleep, waitUntil, withTimeout } from './waiting';
import type { Traffic } from './traffic';

export interface EndStateOptions {
  traffic: Traffic;
  brokers: string;
  namespace: string;
  databaseUrl: string;
  /** Longest wait for deliveries and the projection to catch up. */
  timeoutMs?: number;
}

export interface EndStateSummary {
  /** Per conversation: timeline length and messages. */
  conversations: { kind: string; events: number; messages: number }[];
  /** Error codes clients were answered with (retriable ones, or the run failed). */
  errors: Record<string, number>;
  closeCodes: Record<string, number>;
  connections: number;
  /** Events that skipped ahead at a client (a gap the gateway could not fill), each healed by a sync. */
  jumps: number;
}

interface CommittedMessage {
  seq: number;
  senderId: string;
  clientMsgId: string;
  messageId: string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * The end state every crash, outage and shutdown test demands:
 * - each conversation's committed events (Kafka, read_committed) are numbered 1..n without gap or repeat;
 * - every acknowledged send is that committed event, and each client message id was committed once;
 * - every member's logical client (across its connections) took exactly 1..n, each once, in order;
 * - Postgres holds exactly the committed messages.
 */
export async function checkEndState(options: EndStateOptions): Promise<EndStateSummary> {
  const { traffic } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (const client of traffic.clients) assert.deepEqual(client.problems, [], `${client.label} had problems`);
  for (const client of traffic.clients) {
    assert.ok(client.firstFrames.every((f) => f === 'sync'), `${client.label}: every connection starts with sync, got ${client.firstFrames.join(',')}`);
  }

  const committed = await committedEvents(options, new Set(traffic.conversations.map((c) => c.id)));
  const conversations: EndStateSummary['conversations'] = [];
  for (const conversation of traffic.conversations) {
    const events = committed.get(conversation.id) ?? [];
    const n = events.length;
    assert.deepEqual(events.map((e) => e.seq), range(n), `${conversation.kind} ${conversation.id}: committed seqs are 1..${n} in log order`);
    const messages: CommittedMessage[] = events.flatMap((e) =>
      e.body.type === 'MessageSent' ? [{ seq: e.seq as number, senderId: e.actorId, clientMsgId: e.body.clientMsgId, messageId: e.body.messageId }] : [],
    );
    const ids = messages.map((m) => `${m.senderId}/${m.clientMsgId}`);
    assert.equal(new Set(ids).size, ids.length, `${conversation.id}: a client message id was committed twice`);

    for (const member of conversation.members) {
      for (const [clientMsgId, ack] of member.acks) {
        if (ack.conversationId !== conversation.id) continue;
        const event = messages.find((m) => m.seq === ack.seq);
        assert.ok(event, `${member.label}: ack ${clientMsgId} -> seq ${ack.seq} is not a committed message`);
        assert.equal(event.clientMsgId, clientMsgId, `${member.label}: ack seq ${ack.seq} belongs to ${event.clientMsgId}`);
        assert.equal(event.senderId, member.userId);
      }
    }
    const acked = new Set(conversation.members.flatMap((m) => [...m.acks.values()].filter((a) => a.conversationId === conversation.id).map((a) => a.seq)));
    const unacked = messages.filter((m) => !acked.has(m.seq));
    assert.deepEqual(unacked, [], `${conversation.id}: committed messages no sender was acknowledged for (senders retry until acknowledged)`);

    await waitUntil(`every member of ${conversation.kind} ${conversation.id} has its ${n} events`, timeoutMs, () =>
      conversation.members.every((m) => m.timeline(conversation.id).last >= n),
    ).catch((err: Error) => {
      const where = conversation.members.map((m) => `${m.label}: ${m.timeline(conversation.id).last}`).join(', ');
      throw new Error(`${err.message} (${where})`);
    });
    for (const member of conversation.members) {
      const timeline = member.timeline(conversation.id);
      assert.deepEqual(timeline.duplicates, [], `${member.label} got events of ${conversation.id} twice`);
      assert.deepEqual(timeline.accepted, range(n), `${member.label} took every event of ${conversation.id} once, in order`);
    }

    const rows = await projectedMessages(options, conversation.id, messages.length, timeoutMs);
    assert.deepEqual(rows, messages, `${conversation.id}: Postgres holds exactly the committed messages`);
    conversations.push({ kind: conversation.kind, events: n, messages: messages.length });
  }

  const tally = (entries: Iterable<[string, number]>, into: Record<string, number>) => {
    for (const [key, count] of entries) into[key] = (into[key] ?? 0) + count;
  };
  const errors: Record<string, number> = {};
  const closeCodes: Record<string, number> = {};
  for (const client of traffic.clients) {
    for (const code of client.errors.keys()) {
      if (code === 'client_timeout') continue;
      const bare = code.replace(/^sync:/, '');
      assert.ok(isErrorCode(bare) && ERROR_CODES[bare].retriable, `${client.label} was answered ${code}, which is not a retriable error from the table`);
    }
    tally(client.errors, errors);
    tally(client.closeCodes.map((c) => [String(c), 1] as [string, number]), closeCodes);
  }
  return {
    conversations,
    errors,
    closeCodes,
    connections: traffic.clients.reduce((sum, c) => sum + c.firstFrames.length, 0),
    jumps: traffic.clients.reduce((sum, c) => sum + [...c.timelines.values()].reduce((s, t) => s + t.jumps, 0), 0),
  };
}

/** Every committed event of the given conversations, per conversation in log order. */
async function committedEvents(options: EndStateOptions, wanted: ReadonlySet<string>): Promise<Map<string, Event[]>> {
  const codec = createCodec(loadFileCatalog());
  const kafka = createKafka({ brokers: options.brokers.split(','), clientId: 'test-end-state' });
  const topic = topicNames(options.namespace).events;
  const admin = kafka.admin();
  const reader = createPartitionReader({ kafka, topic, groupPrefix: `${options.namespace}.test-end-state` });
  const found = new Map<string, Event[]>();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    await reader.start();
    for (const { partition, low, high } of offsets) {
      const read = reader.read({ partition, from: Number(low), to: Number(high) }, (message) => {
        const event = decodeEvent(codec, message.value!);
        if (!wanted.has(event.conversationId)) return;
        let list = found.get(event.conversationId);
        if (!list) found.set(event.conversationId, (list = []));
        list.push(event);
      });
      await withTimeout(read, 30_000, `reading partition ${partition} of ${topic} up to offset ${high} (an open transaction?)`);
    }
  } finally {
    await reader.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  return found;
}

async function projectedMessages(options: EndStateOptions, conversationId: string, expected: number, timeoutMs: number): Promise<CommittedMessage[]> {
  const db = new Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query<CommittedMessage>(
        `SELECT seq::int AS seq, sender_id AS "senderId", client_msg_id AS "clientMsgId", message_id AS "messageId"
           FROM persister_messages WHERE conversation_id = $1 ORDER BY seq`,
        [conversationId],
      );
      if (rows.length >= expected || Date.now() > deadline) return rows;
      await sleep(200);
    }
  } finally {
    await db.end();
  }
}
