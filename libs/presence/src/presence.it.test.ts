import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createPresence } from './presence';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
const namespace = `presence-it-${randomBytes(4).toString('hex')}`;

after(async () => {
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

test('a renewal says whether the lease was still there, so a gateway knows when Redis lost it', async () => {
  const presence = createPresence({ redis, namespace });
  assert.equal(await presence.renewGatewayLease('gw-a', 15_000), false, 'no lease before the first renewal');
  assert.equal(await presence.renewGatewayLease('gw-a', 15_000), true);
  await redis.del(`${namespace}:gateway:gw-a`);
  assert.equal(await presence.renewGatewayLease('gw-a', 15_000), false, 'the lease was lost');
});

test('forgetGateway removes the sessions registered under one gateway id, and only those', async () => {
  const presence = createPresence({ redis, namespace, leaseCacheMs: 0 });
  await presence.renewGatewayLease('gw-a', 15_000);
  await presence.renewGatewayLease('gw-b', 15_000);
  await presence.register('ann', 's1', 'gw-a');
  await presence.register('ann', 's2', 'gw-b');
  await presence.registerAll([{ userId: 'bob', sessionId: 's3' }, { userId: 'cat', sessionId: 's4' }], 'gw-a');
  await presence.register('dan', 's5', 'gw-a');
  await presence.unregister('dan', 's5');

  assert.equal(await presence.forgetGateway('gw-a'), 3, 'ann/s1, bob/s3 and cat/s4; dan/s5 was unregistered');
  const live = await presence.sessionsOf(['ann', 'bob', 'cat', 'dan']);
  assert.deepEqual([...live.entries()], [['ann', [{ sessionId: 's2', gatewayId: 'gw-b' }]]]);
  assert.equal(await presence.forgetGateway('gw-a'), 0);
});

test('presence Redis cannot give is an error, not "nobody is online"', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
  const down = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  down.on('error', () => undefined);
  const presence = createPresence({ redis: down, namespace });
  try {
    await assert.rejects(presence.sessionsOf(['ann']));
    await assert.rejects(presence.renewGatewayLease('gw-a', 15_000));
  } finally {
    down.disconnect();
  }
});
