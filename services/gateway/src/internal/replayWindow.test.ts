import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReplayWindow } from './replayWindow';

function fakeSession() {
  const state = { clock: 1_000, lastSeenAt: 0, open: true, pings: 0 };
  const session = {
    ping: () => void state.pings++,
    lastSeenAt: () => state.lastSeenAt,
    isOpen: () => state.open,
  };
  return { state, session };
}

test('room is there while fewer pages than the window are unread; a frame heard at or after a ping reads its page', async () => {
  const { state, session } = fakeSession();
  const slept: number[] = [];
  const window = createReplayWindow(session, {
    pages: 2,
    maxWaitMs: 5_000,
    now: () => state.clock,
    sleep: async (ms) => {
      slept.push(ms);
      state.clock += ms;
      if (state.clock === 1_003) state.lastSeenAt = 1_000;
    },
  });
  await window.room();
  window.pushed();
  await window.room();
  window.pushed();
  assert.equal(state.pings, 2);
  assert.deepEqual(slept, []);
  await window.room();
  assert.deepEqual(slept, [1, 1, 1], 'waited until the client was heard from after the first ping');
  window.pushed();
  state.clock = 1_010;
  state.lastSeenAt = 1_010;
  await window.room();
  assert.equal(slept.length, 3, 'a frame heard after every ping leaves the window empty');
});

test('a client that answers nothing is waited for at most maxWaitMs per page, and a closed session not at all', async () => {
  const { state, session } = fakeSession();
  const window = createReplayWindow(session, { pages: 1, maxWaitMs: 100, now: () => state.clock, sleep: async (ms) => void (state.clock += ms), pollMs: 10 });
  window.pushed();
  await window.room();
  assert.equal(state.clock, 1_100);
  window.pushed();
  state.open = false;
  await window.room();
  assert.equal(state.clock, 1_100);
});
