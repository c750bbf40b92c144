import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { mintDevToken } from '@switchboard/auth';
import { createClient, type SwitchboardClient, type UserPresence } from '@switchboard/client';
import { JWT_SECRET, startPlatform, type Platform } from './helpers/platform';
import { randomName } from './helpers/random';
import { waitUntil } from './helpers/waiting';

// Presence through the SDK against the platform with two gateways: Alice asks about Bob while Bob
// connects on both gateways and leaves again. A session's unregistering follows its close, so every
// wait after a close is bounded rather than immediate.

const WAIT_MS = 15_000;
let platform: Platform;
const clients: SwitchboardClient[] = [];

before(async () => {
  platform = await startPlatform({ gateways: 2 });
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await platform?.stop();
});

function connect(userId: string, gateway: number): SwitchboardClient {
  const client = createClient({
    url: platform.gatewayUrls[gateway]!,
    token: () => mintDevToken({ secret: JWT_SECRET, userId }),
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  clients.push(client);
  return client;
}

test('Alice sees Bob offline, online with 2 sessions on two gateways, then 1, then offline again', async () => {
  const aliceId = randomName('alice-');
  const bobId = randomName('bob-');
  const alice = connect(aliceId, 0);
  await alice.ready();

  const watched: Record<string, UserPresence>[] = [];
  const stopWatching = alice.watchPresence([bobId], { intervalMs: 100 }, (changed) => watched.push(changed));
  const lastWatched = () => watched.at(-1)?.[bobId];
  const bobNow = async () => (await alice.presence([bobId]))[bobId];

  assert.deepEqual(await alice.presence([bobId, aliceId]), { [bobId]: { online: false, sessions: 0 }, [aliceId]: { online: true, sessions: 1 } });
  await waitUntil('the watch reports Bob offline first', WAIT_MS, () => lastWatched()?.sessions === 0);

  // One connection at a time, so that the watch sees each step.
  const bobOnOne = connect(bobId, 0);
  await bobOnOne.ready();
  await waitUntil('the watch reports Bob with 1 session on gateway 1', WAIT_MS, () => lastWatched()?.sessions === 1);
  const bobOnTwo = connect(bobId, 1);
  await bobOnTwo.ready();
  await waitUntil('Bob shows 2 sessions', WAIT_MS, async () => (await bobNow())?.sessions === 2);
  assert.deepEqual(await bobNow(), { online: true, sessions: 2 });
  await waitUntil('the watch reports Bob with 2 sessions', WAIT_MS, () => lastWatched()?.sessions === 2);

  await bobOnOne.close();
  await waitUntil('Bob is down to 1 session after closing one', WAIT_MS, async () => (await bobNow())?.sessions === 1);
  assert.deepEqual(await bobNow(), { online: true, sessions: 1 });
  await waitUntil('the watch reports Bob with 1 session', WAIT_MS, () => lastWatched()?.sessions === 1);

  await bobOnTwo.close();
  await waitUntil('Bob is offline after closing both', WAIT_MS, async () => (await bobNow())?.online === false);
  assert.deepEqual(await bobNow(), { online: false, sessions: 0 });
  await waitUntil('the watch reports Bob offline', WAIT_MS, () => lastWatched()?.online === false);
  stopWatching();

  assert.deepEqual(
    watched.map((changed) => changed[bobId]),
    [
      { online: false, sessions: 0 },
      { online: true, sessions: 1 },
      { online: true, sessions: 2 },
      { online: true, sessions: 1 },
      { online: false, sessions: 0 },
    ],
    'the watch reported each change once, and nothing when nothing changed',
  );
});

test('the gateway refuses a presence request naming no one or too many users', async () => {
  const socket = new WebSocket(`${platform.gatewayUrls[1]!}?access_token=${mintDevToken({ secret: JWT_SECRET, userId: randomName('carol-') })}`);
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  const tooMany = Array.from({ length: 101 }, (_, i) => `user-${i}`);
  socket.send(JSON.stringify({ type: 'presence', id: 'none', userIds: [] }));
  socket.send(JSON.stringify({ type: 'presence', id: 'many', userIds: tooMany }));
  socket.send(JSON.stringify({ type: 'presence', id: 'twice', userIds: ['bob', 'bob'] }));
  await waitUntil('three answers', WAIT_MS, () => frames.filter((f) => f.type === 'error').length === 3);
  socket.close();
  assert.deepEqual(
    frames.filter((f) => f.type === 'error').map((f) => [f.id, f.code]),
    [['none', 'invalid_request'], ['many', 'invalid_request'], ['twice', 'invalid_request']],
  );
});
