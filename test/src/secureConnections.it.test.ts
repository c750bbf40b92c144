import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { directConversationId } from '@switchboard/protocol';
import { startPlatform, ROOT, type Platform } from './helpers/platform';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/privatePostgres';
import { startTlsRedis, type TlsRedis } from './helpers/privateRedis';
import { startSecureKafka, type SecureKafka } from './helpers/secureKafka';
import { createTestCertificates, secretFile, type TestCertificates } from './helpers/testCertificates';
import { TestClient } from './helpers/client';
import { randomName } from './helpers/random';

/*
 * The whole pipeline against dependencies that take only secured connections: Kafka on a SASL_SSL
 * listener (SCRAM-SHA-512), Redis over TLS with an ACL user (the default user off), Postgres over
 * TLS with a password, verified with sslmode=verify-full. Every certificate is made here.
 */

let certs: TestCertificates;
let kafka: SecureKafka;
let redis: TlsRedis;
let postgres: PrivatePostgres;
let platform: Platform | undefined;
const PG_ROLE = { name: 'switchboard', password: 'pg-test-secret' };
let secureEnv: NodeJS.ProcessEnv;

before(async () => {
  certs = createTestCertificates();
  [kafka, redis, postgres] = await Promise.all([
    startSecureKafka(certs),
    startTlsRedis(certs),
    startPrivatePostgres({ tls: { certFile: certs.certFile, keyFile: certs.keyFile, role: PG_ROLE } }),
  ]);
  secureEnv = {
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SSL_CA_FILE: certs.caFile,
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: kafka.user.name,
    KAFKA_SASL_PASSWORD_FILE: secretFile(certs.dir, 'kafka-password', kafka.user.password),
    REDIS_URL: redis.url,
    REDIS_TLS_CA_FILE: certs.caFile,
    REDIS_PASSWORD_FILE: secretFile(certs.dir, 'redis-password', redis.user.password),
    DATABASE_PASSWORD_FILE: secretFile(certs.dir, 'pg-password', PG_ROLE.password),
  };
});

after(async () => {
  await platform?.stop().catch(() => undefined);
  await Promise.all([kafka?.cleanUp(), redis?.cleanUp(), postgres?.cleanUp()].map((p) => p?.catch(() => undefined)));
});

test('send, ack, delivery and history over SASL_SSL Kafka, TLS Redis with an ACL user and TLS Postgres (verify-full)', { timeout: 240_000 }, async () => {
  platform = await startPlatform({
    gateways: 2,
    brokers: kafka.brokers,
    redisUrl: redis.url,
    pgServer: `postgres://${PG_ROLE.name}@127.0.0.1:${postgres.port}`,
    pgQuery: `sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.caFile)}`,
    pgPassword: PG_ROLE.password,
    kafkaSecurity: {
      ssl: { ca: readFileSync(certs.caFile, 'utf8') },
      sasl: { mechanism: 'scram-sha-512', username: kafka.user.name, password: kafka.user.password },
    },
    env: secureEnv,
  });
  assert.ok(!platform.databaseUrl.includes(PG_ROLE.password), 'the services read the database password from its file, not from the URL');
  const alice = await TestClient.connect(platform.gatewayUrls[0]!, randomName('alice-'));
  const bob = await TestClient.connect(platform.gatewayUrls[1]!, randomName('bob-'));
  try {
    const conversationId = directConversationId(alice.userId, bob.userId);
    const ack = await alice.ok({ type: 'send', to: bob.userId, clientMsgId: 'tls-1', body: 'over TLS' });
    assert.deepEqual([ack.conversationId, ack.seq], [conversationId, 1]);
    const [delivered] = await bob.waitForEvents(conversationId, 1, 'message');
    assert.equal(delivered?.body, 'over TLS');
    let history: Record<string, unknown> = {};
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      history = await bob.ok({ type: 'history', conversationId });
      if (((history.events as unknown[] | undefined) ?? []).length > 0) break;
    }
    const events = (history.events ?? []) as { seq: number; body?: string }[];
    assert.deepEqual(events.map((e) => [e.seq, e.body]), [[1, 'over TLS']], 'the persister projected it into Postgres over TLS');
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

/** Runs one service with the platform's settings but `override`, until it exits (at most 60 s). */
async function runUntilExit(service: 'gateway' | 'router' | 'persister', override: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  assert.ok(platform, 'the platform runs');
  const base = [...platform.services.values()].find((s) => s.service === service)!.env;
  const child = spawn(process.execPath, [join(ROOT, 'services', service, 'dist', 'main.js')], {
    env: { ...base, ...override, GATEWAY_PORT: '0', ROUTER_HTTP_PORT: '0', PERSISTER_HTTP_PORT: '0', GATEWAY_ID: `${base.GATEWAY_ID ?? 'x'}-wrong` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', () => undefined);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr };
}

test('wrong credentials stop a service at start, with an error naming the setting', { timeout: 240_000 }, async () => {
  assert.ok(platform, 'the platform of the test above runs');
  const wrong = (name: string) => secretFile(certs.dir, `wrong-${name}`, 'not-the-password');

  const router = await runUntilExit('router', { KAFKA_SASL_PASSWORD_FILE: wrong('kafka') });
  assert.equal(router.code, 78, `router exit status; stderr: ${router.stderr}`);
  assert.match(router.stderr, /Kafka refused the credentials of KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE/);

  const gateway = await runUntilExit('gateway', { REDIS_PASSWORD_FILE: wrong('redis') });
  assert.equal(gateway.code, 78, `gateway exit status; stderr: ${gateway.stderr}`);
  assert.match(gateway.stderr, /Redis refused the credentials of the user of REDIS_URL and REDIS_PASSWORD_FILE/);

  const persister = await runUntilExit('persister', { DATABASE_PASSWORD_FILE: wrong('pg') });
  assert.equal(persister.code, 78, `persister exit status; stderr: ${persister.stderr}`);
  assert.match(persister.stderr, /Postgres refused the credentials of DATABASE_URL's user and DATABASE_PASSWORD_FILE/);

  const otherCa = createTestCertificates();
  const untrusting = await runUntilExit('router', { KAFKA_SSL_CA_FILE: otherCa.caFile });
  assert.equal(untrusting.code, 78, `router exit status with another CA; stderr: ${untrusting.stderr}`);
  assert.match(untrusting.stderr, /KAFKA_SSL_CA_FILE/);
});
