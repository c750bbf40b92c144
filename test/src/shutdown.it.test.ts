import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEndState } from './helpers/endState';
import { BROKERS, startPlatform, type Platform } from './helpers/platform';
import { FAILOVER_ENV, startTraffic, type Traffic } from './helpers/traffic';

let platform: Platform | undefined;
let traffic: Traffic | undefined;

after(async () => {
  await traffic?.close();
  await platform?.stop();
});

/** Shorter than the default, to show the setting is read; each service must finish well within it. */
const SHUTDOWN_GRACE_MS = 10_000;

test('SIGTERM (and SIGINT) during a steady stream: each service drains and exits 0, clients get 1001, nothing is lost', { timeout: 240_000 }, async (t) => {
  platform = await startPlatform({
    gateways: 2,
    env: { ...FAILOVER_ENV, SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS) },
  });
  traffic = await startTraffic(platform.gatewayUrls);
  await traffic.progress(20);
  const onGateway2 = traffic.homedAt(1);

  const stops: [string, NodeJS.Signals][] = [
    ['router', 'SIGTERM'],
    ['persister', 'SIGTERM'],
    ['gateway2', 'SIGTERM'],
    ['router', 'SIGINT'],
  ];
  for (const [name, signal] of stops) {
    const started = Date.now();
    // Past the grace period the service exits 1 by itself; SIGKILL only if it hangs beyond that.
    const exit = await platform.kill(name, signal, SHUTDOWN_GRACE_MS + 5_000);
    t.diagnostic(`${name}: ${signal} -> exit ${exit.code ?? exit.signal} after ${Date.now() - started} ms`);
    assert.deepEqual(exit, { code: 0, signal: null }, `${name} exits 0 on ${signal}:\n${platform.services.get(name)!.output.slice(-20).join('')}`);
    await platform.start(name);
    await traffic.progress(15);
  }

  for (const client of onGateway2) {
    assert.ok(client.closeCodes.includes(1001), `${client.label} was told to go away (1001) by its gateway; got ${client.closeCodes.join(',')}`);
    assert.ok(client.firstFrames.length >= 2, `${client.label} reconnected`);
  }
  await traffic.stopSending();
  const summary = await checkEndState({ traffic, brokers: BROKERS, namespace: platform.namespace, databaseUrl: platform.databaseUrl });
  t.diagnostic(`end state: ${JSON.stringify(summary)}`);
});
