import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createPresence } from './presence';
import { createPresenceView, type PresenceView } from './presenceView';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(REDIS_URL);
const namespaces: string[] = [];
const connections: Redis[] = [redis];

after(async () => {
  for (const namespace of namespaces) {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  for (const c of connections) c.disconnect();
});

function setup() {
  const namespace = `presence-view-it-${randomBytes(4).toString('hex')}`;
  namespaces.push(namespace);
  const subscriber = new Redis(REDIS_URL, { enableReadyCheck: false });
  connections.push(subscriber);
  const presence = createPresence({ redis, namespace, leaseCacheMs: 0 });
  const view = createPresenceView({ redis, subscriber, namespace, fallback: presence, leaseCacheMs: 0 });
  return { namespace, presence, view, subscriber };
}

/** What the view answers, as [user, [session@gateway...]] sorted, for comparing with Redis. */
async function answer(source: { sessionsOf: PresenceView['sessionsOf'] }, users: string[]) {
  const found = await source.sessionsOf(users);
  return [...found.entries()].map(([u, s]) => [u, s.map((l) => `${l.sessionId}@${l.gatewayId}`).sort()] as const).sort();
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('the view loads what Redis holds, then follows every kind of change, answering as Redis does', async () => {
  const { presence, view } = setup();
  await presence.renewGatewayLease('gw-a', 15_000);
  await presence.renewGatewayLease('gw-b', 15_000);
  await presence.register('ann', 's1', 'gw-a');
  await presence.register('bob', 's2', 'gw-b');
  await view.start();
  assert.ok(view.current());
  const users = ['ann', 'bob', 'cat', 'dan'];
  assert.deepEqual(await answer(view, users), await answer(presence, users));
  assert.deepEqual(await answer(view, users), [['ann', ['s1@gw-a']], ['bob', ['s2@gw-b']]]);

  await presence.register('cat', 's3', 'gw-a');
  await presence.registerAll([{ userId: 'dan', sessionId: 's4' }, { userId: 'ann', sessionId: 's5' }], 'gw-b');
  await presence.unregister('bob', 's2');
  await eventually('registrations and the unregistration are seen', async () => JSON.stringify(await answer(view, users)) === JSON.stringify(await answer(presence, users)));
  assert.deepEqual(await answer(view, users), [['ann', ['s1@gw-a', 's5@gw-b']], ['cat', ['s3@gw-a']], ['dan', ['s4@gw-b']]]);

  await presence.forgetGateway('gw-a');
  await eventually('a forgotten gateway leaves no session behind', async () => JSON.stringify(await answer(view, users)) === JSON.stringify(await answer(presence, users)));
  assert.deepEqual(await answer(view, users), [['ann', ['s5@gw-b']], ['dan', ['s4@gw-b']]]);
  await view.stop();
});

test('a session on a gateway whose lease lapsed is never returned', async () => {
  const { namespace, presence, view } = setup();
  await presence.renewGatewayLease('gw-a', 15_000);
  await presence.register('ann', 's1', 'gw-a');
  await view.start();
  assert.deepEqual(await answer(view, ['ann']), [['ann', ['s1@gw-a']]]);
  await redis.del(`${namespace}:gateway:gw-a`);
  assert.deepEqual(await answer(view, ['ann']), [], 'the lease is gone, so is the session');
  await view.stop();
});

test('after its subscription is cut, the view answers from Redis, then loads again and sees what changed meanwhile', async () => {
  const { presence, view, subscriber } = setup();
  await presence.renewGatewayLease('gw-a', 15_000);
  await presence.register('ann', 's1', 'gw-a');
  const id = await subscriber.client('ID');
  await view.start();
  const cut = new Promise<void>((resolve) => subscriber.once('close', () => resolve()));
  await redis.client('KILL', 'ID', String(id));
  await cut;
  assert.equal(view.current(), false, 'not current once the subscription is cut');
  // Changes while the view cannot hear them: it must not answer from memory until it has read them.
  await presence.unregister('ann', 's1');
  await presence.register('bob', 's2', 'gw-a');
  assert.deepEqual(await answer(view, ['ann', 'bob']), [['bob', ['s2@gw-a']]], 'answered from Redis meanwhile');
  await eventually('current again', async () => view.current(), 5_000);
  assert.deepEqual(await answer(view, ['ann', 'bob']), [['bob', ['s2@gw-a']]]);
  await presence.register('cat', 's3', 'gw-a');
  await eventually('changes after the reload are followed', async () => (await answer(view, ['cat'])).length === 1);
  await view.stop();
});
