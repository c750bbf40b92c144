import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { checkEndState } from './helpers/endState';
import { BROKERS, startPlatform, type Platform } from './helpers/platform';
import { FAILOVER_ENV, startTraffic, type Traffic } from './helpers/traffic';
import { sleep } from './helpers/waiting';

let platform: Platform | undefined;
let traffic: Traffic | undefined;

after(async () => {
  await traffic?.close();
  await platform?.stop();
});

const ROUNDS = 5;

test('kill -9 of the router, the persister and a gateway, five times each, under continuous traffic loses and repeats nothing', { timeout: 300_000 }, async (t) => {
  platform = await startPlatform({ gateways: 2, env: FAILOVER_ENV });
  traffic = await startTraffic(platform.gatewayUrls);
  await traffic.progress(20);
  const movedAway = traffic.homedAt(1);

  for (let round = 1; round <= ROUNDS; round++) {
    // One after the other, each while messages are in flight; each is started again at once, as a
    // supervisor would, and the next round waits until all three are back and traffic flows.
    const restarts: Promise<void>[] = [];
    for (const name of ['router', 'persister', 'gateway2']) {
      const exit = await platform.kill(name, 'SIGKILL');
      assert.equal(exit.signal, 'SIGKILL', `${name} was killed`);
      restarts.push(platform.start(name));
      await sleep(250);
    }
    await Promise.all(restarts);
    await traffic.progress(15);
    // The killed gateway's clients moved to the other one; send them back for the next round.
    await Promise.all(movedAway.map((c) => c.moveTo(1)));
    await traffic.progress(10);
  }

  await traffic.stopSending();
  const summary = await checkEndState({ traffic, brokers: BROKERS, namespace: platform.namespace, databaseUrl: platform.databaseUrl });
  t.diagnostic(`end state: ${JSON.stringify(summary)}`);
  for (const service of platform.services.values()) {
    assert.equal(service.child.exitCode ?? service.child.signalCode, null, `${service.name} is running at the end:\n${service.output.slice(-20).join('')}`);
  }
  // Presence (`<ns>:sessions:<user>`, docs/architecture.md) holds the open sessions and nothing the
  // killed gateway processes left behind, which would count against the user's session limit.
  const redis = new Redis(platform.services.get('router')!.env.REDIS_URL!);
  try {
    for (const userId of new Set(traffic.clients.map((c) => c.userId))) {
      const connections: number = traffic.clients.filter((c) => c.userId === userId).length;
      const registered = await redis.hlen(`${platform.namespace}:sessions:${userId}`);
      assert.equal(registered, connections, `${userId}: one registered session per open connection`);
    }
  } finally {
    redis.disconnect();
  }
  for (const client of movedAway) {
    assert.ok(client.closeCodes.filter((c) => c === 1006).length >= ROUNDS, `${client.label} was dropped by each kill of its gateway: ${client.closeCodes.join(',')}`);
    const onOther = client.gatewaysUsed.filter((g) => g.endsWith('-gw1')).length;
    assert.ok(onOther >= ROUNDS, `${client.label} resumed on the other gateway after each kill (gateways: ${client.gatewaysUsed.join(',')})`);
  }
});
