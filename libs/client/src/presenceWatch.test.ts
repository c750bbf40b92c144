import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchPresence, type PresenceWatchDeps } from './presenceWatch';
import { FakeTimers, settle } from './testSupport/fakeTimers';
import type { UserPresence } from './wire';

const on = (sessions: number): UserPresence => ({ online: sessions > 0, sessions });

/** A watch over bob and carol whose answers the test sets; it records every report and request. */
function harness(intervalMs = 1_000) {
  const timers = new FakeTimers();
  const answers: Record<string, UserPresence>[] = [];
  let answer: Record<string, UserPresence> = { bob: on(0), carol: on(0) };
  let failNext: Error | undefined;
  let connected = true;
  const stateListeners = new Set<() => void>();
  const reports: { changed: Record<string, UserPresence>; all: Record<string, UserPresence> }[] = [];
  const problems: unknown[] = [];
  let requests = 0;
  const deps: PresenceWatchDeps = {
    userIds: ['bob', 'carol'],
    intervalMs,
    timers,
    fetch: async () => {
      requests += 1;
      if (failNext) {
        const err = failNext;
        failNext = undefined;
        throw err;
      }
      answers.push(answer);
      return answer;
    },
    isConnected: () => connected,
    onStateChange: (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onChange: (changed, all) => reports.push({ changed, all }),
    problem: (err) => problems.push(err),
  };
  return {
    timers,
    reports,
    problems,
    requests: () => requests,
    listeners: () => stateListeners.size,
    set: (next: Record<string, UserPresence>) => void (answer = next),
    failOnce: (err: Error) => void (failNext = err),
    connection: (isConnected: boolean) => {
      connected = isConnected;
      for (const listener of [...stateListeners]) listener();
    },
    start: () => watchPresence(deps),
  };
}

test('the first poll reports everyone; later polls report only the users whose presence changed', async () => {
  const h = harness();
  h.start();
  await settle();
  assert.deepEqual(h.reports, [{ changed: { bob: on(0), carol: on(0) }, all: { bob: on(0), carol: on(0) } }]);

  await h.timers.advance(1_000);
  assert.equal(h.requests(), 2);
  assert.equal(h.reports.length, 1, 'nothing changed, nothing reported');

  h.set({ bob: on(2), carol: on(0) });
  await h.timers.advance(1_000);
  h.set({ bob: on(1), carol: on(0) });
  await h.timers.advance(1_000);
  h.set({ bob: on(0), carol: on(1) });
  await h.timers.advance(1_000);
  assert.deepEqual(
    h.reports.slice(1).map((r) => r.changed),
    [{ bob: on(2) }, { bob: on(1) }, { bob: on(0), carol: on(1) }],
    'a change of the session count is a change too',
  );
  assert.deepEqual(h.reports.at(-1)!.all, { bob: on(0), carol: on(1) });
});

test('no polls while disconnected; a new connection polls at once', async () => {
  const h = harness();
  h.start();
  await settle();
  h.connection(false);
  await h.timers.advance(10_000);
  assert.equal(h.requests(), 1, 'no poll while disconnected');
  h.set({ bob: on(1), carol: on(0) });
  h.connection(true);
  await settle();
  assert.equal(h.requests(), 2, 'polled as soon as connected again');
  assert.deepEqual(h.reports.at(-1)!.changed, { bob: on(1) });
  await h.timers.advance(1_000);
  assert.equal(h.requests(), 3, 'and at the interval after that');
});

test('a failed poll is reported and the next one comes at the interval; stopping ends polls and listening', async () => {
  const h = harness();
  h.failOnce(new Error('unavailable'));
  const stop = h.start();
  await settle();
  assert.equal(h.problems.length, 1);
  assert.equal(h.reports.length, 0);
  await h.timers.advance(1_000);
  assert.equal(h.reports.length, 1, 'the next poll reports');
  stop();
  assert.equal(h.listeners(), 0);
  await h.timers.advance(10_000);
  assert.equal(h.requests(), 2, 'no poll after stop');
  assert.equal(h.timers.pending(), 0);
});
