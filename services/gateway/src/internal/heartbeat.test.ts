import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '@switchboard/errors';
import { createHeartbeat, idleAction } from './heartbeat';
import type { Session } from './session';

test('idleAction: nothing while recently heard from, one ping after half the timeout, close after all of it', () => {
  assert.equal(idleAction(0, false, 10_000), 'none');
  assert.equal(idleAction(4_999, false, 10_000), 'none');
  assert.equal(idleAction(5_000, false, 10_000), 'ping');
  assert.equal(idleAction(7_000, true, 10_000), 'none', 'pinged once per quiet stretch');
  assert.equal(idleAction(10_000, true, 10_000), 'close');
  assert.equal(idleAction(10_000, false, 10_000), 'close');
});

function fakeSession(clock: { ms: number }, expiresAt?: number) {
  const state = { lastSeenAt: clock.ms, pings: 0, closes: [] as ErrorCode[] };
  const session = {
    expiresAt,
    lastSeenAt: () => state.lastSeenAt,
    ping: () => void (state.pings += 1),
    close: (code: ErrorCode) => void state.closes.push(code),
  } as unknown as Session;
  return { session, state };
}

test('a quiet session is pinged, and closed with idle_timeout if nothing comes back', () => {
  const clock = { ms: 1_000_000 };
  const heartbeat = createHeartbeat({ idleTimeoutMs: 10_000, now: () => clock.ms, sweepIntervalMs: 3_600_000 });
  const { session, state } = fakeSession(clock);
  heartbeat.watch(session);
  clock.ms += 6_000;
  heartbeat.sweep();
  heartbeat.sweep();
  assert.equal(state.pings, 1);
  clock.ms += 4_000;
  heartbeat.sweep();
  assert.deepEqual(state.closes, ['idle_timeout']);
  heartbeat.sweep();
  assert.deepEqual(state.closes, ['idle_timeout'], 'a closed session is no longer watched');
  heartbeat.unwatch(session);
});

test('a pong (or any frame) keeps a session open and earns it a new ping next time it goes quiet', () => {
  const clock = { ms: 1_000_000 };
  const heartbeat = createHeartbeat({ idleTimeoutMs: 10_000, now: () => clock.ms, sweepIntervalMs: 3_600_000 });
  const { session, state } = fakeSession(clock);
  heartbeat.watch(session);
  for (let round = 0; round < 5; round++) {
    clock.ms += 6_000;
    heartbeat.sweep();
    state.lastSeenAt = clock.ms;
  }
  assert.equal(state.pings, 5);
  assert.deepEqual(state.closes, []);
  heartbeat.unwatch(session);
  clock.ms += 60_000;
  heartbeat.sweep();
  assert.deepEqual(state.closes, [], 'an unwatched session is left alone');
});

test('a session whose token expired is closed with unauthorized by the sweep, however active it is', () => {
  const clock = { ms: 1_000_000 };
  const heartbeat = createHeartbeat({ idleTimeoutMs: 10_000, now: () => clock.ms, sweepIntervalMs: 3_600_000 });
  const expiring = fakeSession(clock, clock.ms + 1_500);
  const lasting = fakeSession(clock, clock.ms + 3_600_000);
  const forever = fakeSession(clock);
  for (const s of [expiring, lasting, forever]) heartbeat.watch(s.session);
  clock.ms += 1_000;
  expiring.state.lastSeenAt = clock.ms;
  heartbeat.sweep();
  assert.deepEqual(expiring.state.closes, [], 'not yet');
  clock.ms += 500;
  expiring.state.lastSeenAt = clock.ms;
  heartbeat.sweep();
  assert.deepEqual(expiring.state.closes, ['unauthorized'], 'closed at the first sweep at or after the expiry');
  heartbeat.sweep();
  assert.deepEqual(expiring.state.closes, ['unauthorized'], 'once');
  assert.deepEqual([lasting.state.closes, forever.state.closes], [[], []]);
  for (const s of [lasting, forever]) heartbeat.unwatch(s.session);
});

test('the sweep runs by itself while sessions are watched', async () => {
  const heartbeat = createHeartbeat({ idleTimeoutMs: 60_000, sweepIntervalMs: 5 });
  const clock = { ms: Date.now() };
  const { session, state } = fakeSession(clock, Date.now() + 20);
  heartbeat.watch(session);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(state.closes, ['unauthorized']);
});
