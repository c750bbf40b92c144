import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEndState } from './helpers/endState';
import { startPlatform, type Platform } from './helpers/platform';
import { startPrivateKafka, type PrivateKafka } from './helpers/privateKafka';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/privatePostgres';
import { startPrivateRedis, type PrivateRedis } from './helpers/privateRedis';
import { randomName } from './helpers/random';
import { waitAllReady, watchReadiness, type ReadinessWatch } from './helpers/readinessWatch';
import { FAILOVER_ENV, startTraffic, type Traffic } from './helpers/traffic';
import { sleep } from './helpers/waiting';

let postgres: PrivatePostgres | undefined;
let redis: PrivateRedis | undefined;
let kafka: PrivateKafka | undefined;
let platform: Platform | undefined;
let traffic: Traffic | undefined;
let watch: ReadinessWatch | undefined;

after(async () => {
  await traffic?.close();
  await watch?.stop();
  await platform?.stop().catch(() => undefined);
  await kafka?.cleanUp();
  await postgres?.cleanUp();
  await redis?.cleanUp();
});

const OUTAGE_MS = 10_000;

/** Readiness answers of `services` from `from` on: each must have said not ready with a reason matching `reason`. */
function assertSaidNotReady(services: string[], from: number, reason: RegExp): void {
  for (const service of services) {
    const samples = watch!.of(service, from);
    assert.ok(
      samples.some((s) => !s.ready && reason.test(s.reason ?? '')),
      `${service} should have reported not ready (${reason}); it said: ${JSON.stringify([...new Set(samples.map((s) => s.reason ?? 'ready'))])}`,
    );
  }
}

test('a Kafka broker restart, a Postgres outage and a Redis outage, 10 s each, lose nothing and acknowledge nothing falsely', { timeout: 420_000 }, async (t) => {
  postgres = await startPrivatePostgres();
  redis = await startPrivateRedis();
  kafka = await startPrivateKafka({ databaseUrl: `${postgres.serverUrl}/sb_stack`, redisUrl: redis.url, namespace: randomName('o') });
  platform = await startPlatform({
    gateways: 2,
    brokers: kafka.brokers,
    pgServer: postgres.serverUrl,
    redisUrl: redis.url,
    env: FAILOVER_ENV,
  });
  watch = watchReadiness(platform);
  traffic = await startTraffic(platform.gatewayUrls);
  await traffic.progress(20);

  const outages: [string, () => Promise<void>, () => Promise<void>, string[], RegExp][] = [
    ['kafka', () => kafka!.stopBroker('SIGTERM'), () => kafka!.startBroker(), ['router', 'gateway1', 'gateway2'], /kafka/i],
    ['postgres', () => postgres!.stop(), () => postgres!.start(), ['persister'], /database/i],
    ['redis', () => redis!.stop(), () => redis!.start(), ['router', 'gateway1', 'gateway2'], /redis/i],
  ];
  for (const [name, stop, start, noticed, reason] of outages) {
    const from = Date.now();
    await stop();
    await sleep(OUTAGE_MS);
    assertSaidNotReady(noticed, from, reason);
    await start();
    await waitAllReady(platform, 90_000);
    t.diagnostic(`${name}: back after ${Date.now() - from} ms`);
    await traffic.progress(20);
  }

  await traffic.stopSending();
  const summary = await checkEndState({ traffic, brokers: kafka.brokers, namespace: platform.namespace, databaseUrl: platform.databaseUrl });
  t.diagnostic(`end state: ${JSON.stringify(summary)}`);
  // Senders were told to retry (timeout, unavailable) while things were down; checkEndState has
  // already shown every such code is a retriable one and that no ack was false.
  assert.ok(Object.keys(summary.errors).length > 0, 'clients saw errors while dependencies were down');
  for (const service of platform.services.values()) {
    assert.equal(service.child.exitCode, null, `${service.name} exited during the outages:\n${service.output.slice(-20).join('')}`);
    assert.equal(service.child.signalCode, null, `${service.name} was killed during the outages`);
  }
});
