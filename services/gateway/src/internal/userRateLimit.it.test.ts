import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisUserRateLimit } from './userRateLimit';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `t${randomBytes(5).toString('hex')}`;
const clients: Redis[] = [];

after(() => {
  for (const client of clients) client.disconnect();
});

function limiter(redis: Redis, burst: number, failOpens: string[] = []) {
  return createRedisUserRateLimit({ redis, namespace, ratePerSecond: 0.001, burst, timeoutMs: 2_000, onFailOpen: (r) => failOpens.push(r) });
}

async function connected(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  clients.push(redis);
  await redis.ping();
  return redis;
}

test('two gateways share one bucket per user: together they admit exactly the burst', async () => {
  // Two connections stand for two gateways; the refill (1 token in 1000 s) cannot add any here.
  const [gatewayA, gatewayB] = [limiter(await connected(), 10), limiter(await connected(), 10)];
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? gatewayA : gatewayB).take('alice')));
  assert.equal(results.filter(Boolean).length, 10);
  assert.equal(await gatewayA.take('bob'), true, 'another user has a bucket of their own');
});

test('the bucket refills from Redis time', async () => {
  const redis = await connected();
  const fast = createRedisUserRateLimit({ redis, namespace, ratePerSecond: 50, burst: 1, timeoutMs: 2_000, onFailOpen: () => undefined });
  assert.equal(await fast.take('carol'), true);
  assert.equal(await fast.take('carol'), false);
  let refilled = false;
  for (let i = 0; i < 100 && !refilled; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    refilled = await fast.take('carol');
  }
  assert.ok(refilled, 'a token came back');
});

test('the key expires, so idle users leave nothing behind', async () => {
  const redis = await connected();
  await limiter(redis, 3).take('dave');
  const ttl = await redis.pttl(`${namespace}:ratelimit:user:dave`);
  assert.ok(ttl > 0, `the bucket has a time to live (${ttl})`);
});

test('it fails open, without queueing, when Redis is not connected', async () => {
  const redis = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  clients.push(redis);
  const failOpens: string[] = [];
  const down = limiter(redis, 1, failOpens);
  assert.deepEqual(await Promise.all([down.take('erin'), down.take('erin'), down.take('erin')]), [true, true, true]);
  assert.equal(failOpens.length, 3);
  assert.match(failOpens[0]!, /redis is wait/);
});

test('it fails open when Redis answers with an error', async () => {
  const failOpens: string[] = [];
  const broken = createRedisUserRateLimit({
    redis: { status: 'ready', pipeline: () => ({ exec: async () => Promise.reject(new Error('READONLY')) }) } as never,
    namespace,
    ratePerSecond: 1,
    burst: 1,
    timeoutMs: 1_000,
    onFailOpen: (r) => failOpens.push(r),
  });
  assert.equal(await broken.take('frank'), true);
  assert.deepEqual(failOpens, ['READONLY']);
});

test('it fails open when Redis does not answer in time', async () => {
  const failOpens: string[] = [];
  const hanging = createRedisUserRateLimit({
    redis: { status: 'ready', pipeline: () => ({ exec: () => new Promise(() => undefined) }) } as never,
    namespace,
    ratePerSecond: 1,
    burst: 1,
    timeoutMs: 20,
    onFailOpen: (r) => failOpens.push(r),
  });
  assert.equal(await hanging.take('gina'), true);
  assert.deepEqual(failOpens, ['redis did not answer within 20 ms']);
});
