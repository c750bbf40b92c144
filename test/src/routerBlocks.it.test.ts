import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { createKafka, groupId, partitionFor, topicNames, topicSpec } from '@switchboard/kafka';
import { Client } from 'pg';
import { mintDevToken } from '@switchboard/auth';
import { directConversationId } from '@switchboard/protocol';
import { killChild } from './helpers/childProcesses';
import { EdgeClient } from './helpers/edgeClient';
import { checkEndState } from './helpers/endState';
import { BROKERS, JWT_SECRET, ROOT, startPlatform, type Platform } from './helpers/platform';
import { freePort } from './helpers/ports';
import { FAILOVER_ENV, startTraffic, type Traffic } from './helpers/traffic';
import { sleep, waitUntil } from './helpers/waiting';

// Routers own the commands partitions in blocks (ROUTER_PARTITIONS_PER_TRANSACTION), each block
// fenced by one transactional id and committed in one transaction per fetch round. These tests run
// several routers in one group: blocks are shared out whole, move whole when a router dies, and a
// router with another block size is kept out of the group.

const BLOCK = 4;
let platform: Platform | undefined;
let traffic: Traffic | undefined;

after(async () => {
  await traffic?.close();
  await platform?.stop();
});

/** Polls `read` until it gives a value; fails naming `what` after `timeoutMs`. */
async function eventually<T>(what: string, timeoutMs: number, read: () => Promise<T | undefined>): Promise<T> {
  let value: T | undefined;
  await waitUntil(what, timeoutMs, async () => (value = await read()) !== undefined, 250);
  return value!;
}

/** Each member's commands partitions, as the group's assignment says once the group is stable. */
async function assignments(namespace: string): Promise<number[][] | undefined> {
  const admin = createKafka({ brokers: BROKERS.split(','), clientId: 'router-blocks-test' }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId(namespace, 'router', 'commands')]);
    if (groups[0]?.state !== 'Stable') return undefined;
    const topic = topicNames(namespace).commands;
    return groups[0].members.map((m) => {
      const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      return [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
    });
  } finally {
    await admin.disconnect();
  }
}

function assertWholeBlocks(owned: number[][], members: number): void {
  assert.equal(owned.length, members, `${members} members in the group: ${JSON.stringify(owned)}`);
  const all = owned.flat().sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: topicSpec('commands').partitions }, (_, i) => i), 'every partition has exactly one owner');
  for (const partitions of owned) {
    for (const p of partitions) {
      const block = Math.floor(p / BLOCK);
      for (let q = block * BLOCK; q < (block + 1) * BLOCK; q++) assert.ok(partitions.includes(q), `partition ${q} goes with ${p}: ${JSON.stringify(owned)}`);
    }
  }
}

async function startPlatformWithTraffic(): Promise<{ platform: Platform; traffic: Traffic }> {
  platform = await startPlatform({ gateways: 2, routers: 2, env: { ...FAILOVER_ENV, ROUTER_PARTITIONS_PER_TRANSACTION: String(BLOCK) } });
  traffic = await startTraffic(platform.gatewayUrls);
  await traffic.progress(20);
  return { platform, traffic };
}

test('two routers share whole blocks; a router with another block size is kept out and says why; kill -9 of either moves its blocks whole and loses and repeats nothing', { timeout: 300_000 }, async (t) => {
  const { platform, traffic } = await startPlatformWithTraffic();
  const shared = await eventually('both routers own blocks', 30_000, async () => {
    const owned = await assignments(platform.namespace);
    return owned?.length === 2 && owned.every((o) => o.length > 0) ? owned : undefined;
  });
  assertWholeBlocks(shared, 2);
  t.diagnostic(`blocks of ${BLOCK}: ${JSON.stringify(shared)}`);

  // A router configured with blocks of 3 would fence with other transactional ids: it must not join.
  const template = platform.services.get('router')!;
  const port = await freePort();
  const odd = spawn(process.execPath, [join(ROOT, 'services', 'router', 'dist', 'main.js')], {
    env: { ...template.env, ROUTER_HTTP_PORT: String(port), ROUTER_INSTANCE_ID: `${platform.namespace}-odd`, ROUTER_PARTITIONS_PER_TRANSACTION: '3' },
    stdio: 'ignore',
  });
  try {
    const reason = await eventually('the odd router reports the refused protocol', 60_000, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (!res) return undefined;
      const body = (await res.json()) as { reason?: string };
      return res.status === 503 && /protocol/i.test(body.reason ?? '') ? body.reason : undefined;
    });
    t.diagnostic(`odd router: ${reason}`);
    await traffic.progress(10);
    const after = await eventually('the group is stable again', 30_000, async () => {
      const owned = await assignments(platform.namespace);
      return owned?.length === 2 && owned.every((o) => o.length > 0) ? owned : undefined;
    });
    assertWholeBlocks(after, 2);
  } finally {
    await killChild(odd, 'SIGTERM', 10_000);
  }

  for (const name of ['router2', 'router']) {
    const exit = await platform.kill(name, 'SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
    // The survivor takes every block once the dead member's session has timed out.
    await traffic.progress(15, 60_000);
    const taken = await eventually(`the survivor of ${name} owns every block`, 30_000, async () => {
      const owned = await assignments(platform.namespace);
      return owned?.length === 1 ? owned : undefined;
    });
    assertWholeBlocks(taken, 1);
    await platform.start(name);
    await traffic.progress(10);
  }

  await traffic.stopSending();
  const summary = await checkEndState({ traffic, brokers: BROKERS, namespace: platform.namespace, databaseUrl: platform.databaseUrl });
  t.diagnostic(`end state: ${JSON.stringify(summary)}`);
});

test('a round whose deliveries to one gateway exceed one record batch is committed in several sends, not refused for ever', { timeout: 180_000 }, async (t) => {
  await traffic?.close();
  await platform?.stop();
  traffic = undefined;
  // A router session long enough that the stopped router keeps its partitions.
  const backlog = await startPlatform({ gateways: 2, env: { ...FAILOVER_ENV, ROUTER_SESSION_TIMEOUT_MS: '30000' } });
  platform = backlog;
  const gateway = backlog.gatewayUrls[0]!;
  const connect = (userId: string) => EdgeClient.connect(gateway, { token: mintDevToken({ secret: JWT_SECRET, userId }) });
  const senderId = `s-${backlog.namespace}`;
  // Receivers whose conversations with the sender sit on different commands partitions, all on
  // one gateway: a round's deliveries to that gateway, from every partition, share one partition.
  const receiverIds: string[] = [];
  const partitions = new Set<number>();
  for (let i = 0; receiverIds.length < 4; i++) {
    const id = `r${i}-${backlog.namespace}`;
    const partition = partitionFor(directConversationId(senderId, id), topicSpec('commands').partitions);
    if (partitions.has(partition)) continue;
    partitions.add(partition);
    receiverIds.push(id);
  }
  const sender = await connect(senderId);
  const receivers = await Promise.all(receiverIds.map(connect));
  const db = new Client({ connectionString: backlog.databaseUrl });
  await db.connect();
  try {
    for (const client of [sender, ...receivers]) assert.equal((await client.request({ type: 'sync', cursors: {} })).type, 'ok');
    const perReceiver = 400;
    const body = 'x'.repeat(3_000);
    const router = backlog.services.get('router')!;
    router.child.kill('SIGSTOP');
    try {
      for (let i = 0; i < perReceiver * receiverIds.length; i++) {
        sender.send({ type: 'send', id: `q${i}`, to: receiverIds[i % receiverIds.length], clientMsgId: `m${i}`, body });
        if (i % 100 === 99) await sleep(250);
      }
      await sleep(500);
    } finally {
      router.child.kill('SIGCONT');
    }
    const refused = sender.frames.filter((f) => f.type === 'error' && f.code !== 'timeout');
    assert.deepEqual(refused, [], 'the gateway took every send');
    const conversations = receiverIds.map((id) => directConversationId(senderId, id));
    let stored: { conversation_id: string; count: number; first: number; last: number }[] = [];
    await waitUntil('Postgres holds every message', 90_000, async () => {
      const { rows } = await db.query<{ conversation_id: string; count: string; first: string; last: string }>(
        'SELECT conversation_id, count(*) AS count, min(seq) AS first, max(seq) AS last FROM persister_messages WHERE conversation_id = ANY($1) GROUP BY conversation_id ORDER BY conversation_id',
        [conversations],
      );
      stored = rows.map((r) => ({ conversation_id: r.conversation_id, count: Number(r.count), first: Number(r.first), last: Number(r.last) }));
      return stored.length === conversations.length && stored.every((c) => c.count >= perReceiver);
    }, 500);
    for (const c of stored) assert.deepEqual({ count: c.count, first: c.first, last: c.last }, { count: perReceiver, first: 1, last: perReceiver }, `${c.conversation_id}: every message once, sequenced 1..n`);
    assert.ok(!router.output.join('').includes('batch failed'), 'no transaction failed on the way');
    const metrics = await (await fetch(`http://127.0.0.1:${router.httpPort}/metrics`)).text();
    t.diagnostic(metrics.split('\n').filter((l) => /^switchboard_router_transaction_(ms|partitions)_(count|sum)/.test(l)).join('; '));
  } finally {
    await db.end();
    await Promise.all([sender, ...receivers].map((c) => c.close()));
  }
});
