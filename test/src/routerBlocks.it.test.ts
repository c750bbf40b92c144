import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { createKafka, groupId, topicNames, topicSpec } from '@switchboard/kafka';
import { mintDevToken } from '@switchboard/auth';
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

test('a backlog whose events and deliveries exceed one record batch is committed in several sends, not refused for ever', { timeout: 180_000 }, async (t) => {
  await traffic?.close();
  await platform?.stop();
  traffic = undefined;
  const backlog = await startPlatform({ gateways: 2, env: FAILOVER_ENV });
  platform = backlog;
  const [senderId, receiverId] = [`s-${backlog.namespace}`, `r-${backlog.namespace}`];
  const sender = await EdgeClient.connect(backlog.gatewayUrls[0]!, { token: mintDevToken({ secret: JWT_SECRET, userId: senderId }) });
  const receiver = await EdgeClient.connect(backlog.gatewayUrls[1]!, { token: mintDevToken({ secret: JWT_SECRET, userId: receiverId }) });
  try {
    assert.equal((await sender.request({ type: 'sync', cursors: {} })).type, 'ok');
    assert.equal((await receiver.request({ type: 'sync', cursors: {} })).type, 'ok');
    // All of one conversation, so one partition: some 4 MB of events and as much of deliveries.
    const count = 1_200;
    const body = 'x'.repeat(3_000);
    const router = backlog.services.get('router')!;
    router.child.kill('SIGSTOP');
    try {
      for (let i = 0; i < count; i++) {
        sender.send({ type: 'send', id: `q${i}`, to: receiverId, clientMsgId: `m${i}`, body });
        if (i % 200 === 199) await sleep(250);
      }
      await sleep(500);
    } finally {
      router.child.kill('SIGCONT');
    }
    await waitUntil(`the receiver has all ${count} messages`, 90_000, () => receiver.frames.filter((f) => f.type === 'event').length >= count, 250);
    const seqs = receiver.frames.filter((f) => f.type === 'event').map((f) => (f.event as { seq: number }).seq);
    assert.deepEqual(seqs, Array.from({ length: count }, (_, i) => i + 1), 'every message once, in order');
    const metrics = await (await fetch(`http://127.0.0.1:${router.httpPort}/metrics`)).text();
    const failed = router.output.join('').includes('batch failed');
    assert.ok(!failed, 'no transaction failed on the way');
    t.diagnostic(metrics.split('\n').filter((l) => l.startsWith('switchboard_router_transaction_partitions_') || l.startsWith('switchboard_router_transaction_ms_count')).join('; '));
  } finally {
    await sender.close();
    await receiver.close();
  }
});
