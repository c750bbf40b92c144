import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createUserRateLimit, type LimiterScheduler, type UserRateLimit } from './userRateLimit';
import type { TokenGrant, TokenRequest, UserTokenStore } from './userTokenStore';

/** Timers driven by hand: `turn()` runs what was deferred, `advance()` moves the clock, `sync()` runs the interval. */
function manualTime() {
  let t = 1_000;
  let deferred: (() => void)[] = [];
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const intervals: (() => void)[] = [];
  const scheduler: LimiterScheduler = {
    soon: (fn) => void deferred.push(fn),
    after(ms, fn) {
      const timer = { at: t + ms, fn, live: true };
      timers.push(timer);
      return () => void (timer.live = false);
    },
    every(_ms, fn) {
      intervals.push(fn);
      return () => void intervals.splice(intervals.indexOf(fn), 1);
    },
  };
  return {
    scheduler,
    now: () => t,
    turn() {
      const run = deferred;
      deferred = [];
      for (const fn of run) fn();
    },
    advance(ms: number) {
      t += ms;
      for (const timer of timers) if (timer.live && timer.at <= t) (timer.live = false), timer.fn();
    },
    sync: () => intervals.forEach((fn) => fn()),
  };
}

/** One shared bucket per user without refill, answering when `answer()` is called. */
function fakeStore(levels: Record<string, number>) {
  const calls: TokenRequest[][] = [];
  const pending: (() => void)[] = [];
  let unavailable: string | undefined;
  let failure: Error | undefined;
  const store: UserTokenStore = {
    unavailable: () => unavailable,
    exchange(requests) {
      calls.push([...requests]);
      return new Promise<TokenGrant[]>((resolve, reject) =>
        pending.push(() => {
          if (failure) return reject(failure);
          resolve(
            requests.map(({ userId, delta }) => {
              const level = levels[userId] ?? 0;
              if (delta < 0) {
                levels[userId] = level - delta;
                return { granted: 0, retryMs: 0 };
              }
              const granted = Math.min(delta, Math.floor(level));
              levels[userId] = level - granted;
              return { granted, retryMs: granted < delta ? 40 : 0 };
            }),
          );
        }),
      );
    },
  };
  return {
    store,
    calls,
    levels,
    /** Answers every exchange sent so far, then lets their continuations run. */
    async answer() {
      for (const fn of pending.splice(0)) fn();
      await new Promise((resolve) => setImmediate(resolve));
    },
    setUnavailable: (reason: string | undefined) => void (unavailable = reason),
    setFailure: (err: Error | undefined) => void (failure = err),
  };
}

function limiter(time: ReturnType<typeof manualTime>, store: UserTokenStore, failOpens: string[] = [], burst = 100): UserRateLimit {
  return createUserRateLimit({ store, burst, syncIntervalMs: 100, timeoutMs: 250, onFailOpen: (r) => failOpens.push(r), now: time.now, scheduler: time.scheduler });
}

test('frames without tokens at hand wait for one exchange shared by every user of the turn', async () => {
  const time = manualTime();
  const fake = fakeStore({ alice: 10, bob: 10 });
  const limit = limiter(time, fake.store);
  const answers = [limit.take('alice'), limit.take('alice'), limit.take('bob')];
  assert.ok(answers.every((a) => a instanceof Promise), 'nothing is known before the bucket answered');
  time.turn();
  assert.deepEqual(fake.calls, [[{ userId: 'alice', delta: 2 }, { userId: 'bob', delta: 1 }]]);
  await fake.answer();
  assert.deepEqual(await Promise.all(answers), [true, true, true]);
});

test('tokens taken ahead are spent locally, without a round trip', async () => {
  const time = manualTime();
  const fake = fakeStore({ alice: 100 });
  const limit = limiter(time, fake.store);
  const first = limit.take('alice');
  time.turn();
  await fake.answer();
  assert.equal(await first, true);
  // After one sync interval in which alice sent, the sync takes tokens for the next one.
  for (let i = 0; i < 9; i++) {
    const a = limit.take('alice');
    time.turn();
    await fake.answer();
    assert.equal(await a, true);
  }
  time.sync();
  await fake.answer();
  const before = fake.calls.length;
  const answers = Array.from({ length: 10 }, () => limit.take('alice'));
  time.turn();
  assert.deepEqual(answers, Array(10).fill(true), 'answered at once');
  assert.equal(fake.calls.length, before, 'no round trip');
});

test('gateways sharing a bucket never let through more than it holds', async () => {
  const time = manualTime();
  const fake = fakeStore({ carol: 25 });
  const gateways = [limiter(time, fake.store), limiter(time, fake.store), limiter(time, fake.store)];
  let allowed = 0;
  for (let round = 0; round < 20; round++) {
    const answers = gateways.flatMap((g) => Array.from({ length: 1 + (round % 4) }, () => g.take('carol')));
    time.turn();
    await fake.answer();
    time.turn();
    await fake.answer();
    allowed += (await Promise.all(answers)).filter(Boolean).length;
    if (round % 3 === 0) {
      time.sync();
      await fake.answer();
    }
  }
  assert.equal(allowed + fake.levels.carol! <= 25, true, `${allowed} let through, ${fake.levels.carol} left in the bucket`);
  assert.ok(allowed >= 20, `most of the bucket was used: ${allowed}`);
});

test('an empty bucket refuses what waits, and later frames at once until it refills', async () => {
  const time = manualTime();
  const fake = fakeStore({ dave: 2 });
  const limit = limiter(time, fake.store);
  const answers = [limit.take('dave'), limit.take('dave'), limit.take('dave')];
  time.turn();
  await fake.answer();
  assert.deepEqual(await Promise.all(answers), [true, true, false]);
  const calls = fake.calls.length;
  assert.equal(limit.take('dave'), false, 'refused without asking');
  assert.equal(fake.calls.length, calls);
  time.advance(40);
  fake.levels.dave = 1;
  const later = limit.take('dave');
  time.turn();
  await fake.answer();
  assert.equal(await later, true, 'asked again once the bucket could hold a token');
});

test('frames arriving while an exchange is in flight wait for it, in order', async () => {
  const time = manualTime();
  const fake = fakeStore({ erin: 3 });
  const limit = limiter(time, fake.store);
  const order: string[] = [];
  const track = (name: string, answer: boolean | Promise<boolean>) => void Promise.resolve(answer).then((ok) => order.push(`${name}:${ok}`));
  track('a', limit.take('erin'));
  time.turn();
  track('b', limit.take('erin'));
  track('c', limit.take('erin'));
  time.turn();
  assert.equal(fake.calls.length, 1, 'one exchange per user at a time');
  await fake.answer();
  time.turn();
  await fake.answer();
  assert.deepEqual(order, ['a:true', 'b:true', 'c:true']);
});

test('the sync gives back what a quiet user holds, and forgets the user', async () => {
  const time = manualTime();
  const fake = fakeStore({ frank: 100 });
  const limit = limiter(time, fake.store);
  for (let i = 0; i < 8; i++) {
    const a = limit.take('frank');
    time.turn();
    await fake.answer();
    await a;
  }
  time.sync(); // frank sent 8: the gateway holds about as many for the next interval
  await fake.answer();
  assert.ok(fake.levels.frank! < 92, 'tokens are held ahead');
  time.sync(); // nothing sent since: they all go back
  await fake.answer();
  assert.equal(fake.levels.frank, 92);
  const calls = fake.calls.length;
  time.sync();
  time.sync();
  time.sync();
  assert.equal(fake.calls.length, calls, 'a forgotten user costs no round trip');
});

test('it fails open, once per waiting frame, when the store is unavailable, fails or is slow', async () => {
  const time = manualTime();
  const fake = fakeStore({});
  const failOpens: string[] = [];
  const limit = limiter(time, fake.store, failOpens);

  fake.setUnavailable('redis is connecting');
  const down = [limit.take('gina'), limit.take('gina')];
  time.turn();
  assert.deepEqual(await Promise.all(down), [true, true]);
  assert.deepEqual(failOpens, ['redis is connecting', 'redis is connecting']);
  fake.setUnavailable(undefined);

  failOpens.length = 0;
  fake.setFailure(new Error('READONLY'));
  const failing = limit.take('gina');
  time.turn();
  await fake.answer();
  assert.equal(await failing, true);
  assert.deepEqual(failOpens, ['READONLY']);
  fake.setFailure(undefined);

  failOpens.length = 0;
  const slow = limit.take('gina');
  time.turn();
  time.advance(250);
  assert.equal(await slow, true);
  assert.deepEqual(failOpens, ['redis did not answer within 250 ms']);
  await fake.answer();
  assert.deepEqual(failOpens, ['redis did not answer within 250 ms'], 'a late answer changes nothing');
});
