import type { Redis } from 'ioredis';
import { createRedisUserTokenStore, type TokenGrant, type TokenRequest, type UserTokenStore } from './userTokenStore';

/** A rate limit shared by all of a user's sessions, on every gateway. */
export interface UserRateLimit {
  /**
   * Takes one token for the user; false when the bucket is empty. Answers at once (a boolean) when
   * the gateway holds tokens for the user, else after one round trip shared by all users waiting.
   */
  take(userId: string): boolean | Promise<boolean>;
  /** Stops the periodic exchange; tokens still held are not given back (the bucket refills by itself). */
  stop(): void;
}

/** The timers the limiter uses, injectable so that tests drive time. */
export interface LimiterScheduler {
  /** Runs fn after the current turn's I/O callbacks (setImmediate), so that their frames share one round trip. */
  soon(fn: () => void): void;
  /** Runs fn after ms; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** Runs fn every ms; returns a cancel function. */
  every(ms: number, fn: () => void): () => void;
}

export const realScheduler: LimiterScheduler = {
  soon: (fn) => void setImmediate(fn),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface UserRateLimitOptions {
  store: UserTokenStore;
  burst: number;
  /** How often tokens are topped up and unused ones given back, for all users in one round trip. */
  syncIntervalMs: number;
  /** A round trip that takes longer lets the frames waiting on it through. */
  timeoutMs: number;
  /** Called for every frame let through without a check (Redis down, slow or failing). */
  onFailOpen: (reason: string) => void;
  now?: () => number;
  scheduler?: LimiterScheduler;
}

interface UserState {
  /** Tokens taken from the shared bucket and not used yet. */
  held: number;
  /** Frames waiting for tokens, in arrival order. */
  waiting: ((allowed: boolean) => void)[];
  inFlight: boolean;
  /** Frames let through since the last sync. */
  used: number;
  /** The shared bucket was found empty: frames are refused here until then. */
  refuseUntil: number;
  /** Syncs in a row with nothing used nor held. */
  idleSyncs: number;
}

interface Exchange {
  userId: string;
  state: UserState;
  delta: number;
}

/**
 * Per-user limit from the shared buckets, without a round trip per frame: each gateway takes
 * tokens from a user's bucket ahead of use (about what the user sent through it in the last sync
 * interval) and spends them locally. Frames that find none wait for one round trip, shared by
 * every user waiting in that turn. Every sync interval, one round trip tops up the users still
 * sending and gives back what the quiet ones hold, so tokens never sit unused on one gateway for
 * more than an interval or two. Every frame let through spent a token taken from the shared
 * bucket, so gateways together never let through more than it holds, give or take the tokens
 * held ahead (see docs/protocol.md, "Limits").
 *
 * It fails open: when the store is unavailable, errs or answers slower than `timeoutMs`, the
 * frames waiting on it are let through.
 */
export function createUserRateLimit(options: UserRateLimitOptions): UserRateLimit {
  const { store, burst } = options;
  const now = options.now ?? Date.now;
  const scheduler = options.scheduler ?? realScheduler;
  const users = new Map<string, UserState>();
  const wanting = new Set<string>();
  let flushScheduled = false;

  function stateOf(userId: string): UserState {
    let state = users.get(userId);
    if (!state) users.set(userId, (state = { held: 0, waiting: [], inFlight: false, used: 0, refuseUntil: 0, idleSyncs: 0 }));
    return state;
  }

  function demand(userId: string): void {
    wanting.add(userId);
    if (flushScheduled) return;
    flushScheduled = true;
    scheduler.soon(flush);
  }

  function flush(): void {
    flushScheduled = false;
    const batch: Exchange[] = [];
    for (const userId of wanting) {
      const state = users.get(userId);
      // One in flight answers first; what still waits then asks again.
      if (!state || state.inFlight || state.waiting.length === 0) continue;
      batch.push({ userId, state, delta: Math.min(burst, state.waiting.length + state.used) });
    }
    wanting.clear();
    send(batch);
  }

  function sync(): void {
    const batch: Exchange[] = [];
    for (const [userId, state] of users) {
      if (state.inFlight || state.waiting.length > 0) continue;
      const target = Math.min(burst, Math.ceil(state.used * 1.5));
      let delta = 0;
      if (state.held > target) delta = target - state.held;
      else if (state.held < target / 2) delta = target - state.held;
      if (state.used === 0 && state.held === 0) {
        state.idleSyncs += 1;
        if (state.idleSyncs >= 2 && now() >= state.refuseUntil) users.delete(userId);
      } else state.idleSyncs = 0;
      state.used = 0;
      if (delta !== 0) batch.push({ userId, state, delta });
    }
    send(batch);
  }

  function send(batch: Exchange[]): void {
    if (batch.length === 0) return;
    for (const entry of batch) {
      entry.state.inFlight = true;
      // Given back at once: if the round trip fails they are lost, which errs on the strict side.
      if (entry.delta < 0) entry.state.held += entry.delta;
    }
    const reason = store.unavailable();
    if (reason !== undefined) return failed(batch, reason);
    let done = false;
    const cancel = scheduler.after(options.timeoutMs, () => {
      if (done) return;
      done = true;
      failed(batch, `redis did not answer within ${options.timeoutMs} ms`);
    });
    const requests: TokenRequest[] = batch.map(({ userId, delta }) => ({ userId, delta }));
    store.exchange(requests).then(
      (grants) => {
        if (done) return;
        done = true;
        cancel();
        answered(batch, grants);
      },
      (err: unknown) => {
        if (done) return;
        done = true;
        cancel();
        failed(batch, err instanceof Error ? err.message : String(err));
      },
    );
  }

  function answered(batch: Exchange[], grants: TokenGrant[]): void {
    batch.forEach(({ userId, state, delta }, i) => {
      const grant = grants[i] ?? { granted: 0, retryMs: 0 };
      state.inFlight = false;
      state.held += grant.granted;
      while (state.waiting.length > 0 && state.held >= 1) {
        state.held -= 1;
        state.used += 1;
        state.waiting.shift()!(true);
      }
      if (state.waiting.length === 0) return;
      if (delta > 0 && grant.granted < delta) {
        // The bucket is empty: refuse what waits, and what comes before it refills, without asking.
        // Tokens other gateways give back meanwhile are seen at the latest one sync interval later.
        state.refuseUntil = now() + Math.min(grant.retryMs, options.syncIntervalMs);
        for (const resolve of state.waiting.splice(0)) resolve(false);
      } else demand(userId);
    });
  }

  function failed(batch: Exchange[], reason: string): void {
    for (const { state } of batch) {
      state.inFlight = false;
      for (const resolve of state.waiting.splice(0)) {
        options.onFailOpen(reason);
        resolve(true);
      }
    }
  }

  const stopSync = scheduler.every(options.syncIntervalMs, sync);

  return {
    take(userId) {
      const state = stateOf(userId);
      if (state.waiting.length === 0) {
        if (state.held >= 1) {
          state.held -= 1;
          state.used += 1;
          return true;
        }
        if (now() < state.refuseUntil) return false;
      }
      return new Promise<boolean>((resolve) => {
        state.waiting.push(resolve);
        demand(userId);
      });
    },
    stop: stopSync,
  };
}

export interface RedisUserRateLimitOptions {
  redis: Pick<Redis, 'pipeline' | 'status'>;
  namespace: string;
  ratePerSecond: number;
  burst: number;
  /** A round trip that takes longer lets the frames waiting on it through. */
  timeoutMs: number;
  /** Default 100. */
  syncIntervalMs?: number;
  /** Called for every frame let through without a check (Redis down, slow or failing). */
  onFailOpen: (reason: string) => void;
}

/** Default sync interval: the longest tokens sit unused on a gateway is about twice this. */
export const USER_RATE_SYNC_MS = 100;

/**
 * Cluster-wide per-user limit on buckets in Redis. It fails open: Redis holds only caches and
 * presence here, and messaging must not stop with it; the per-connection bucket still bounds every
 * connection, and no new session can open while presence is down, so a user stays under open
 * sessions times the per-connection rate.
 */
export function createRedisUserRateLimit(options: RedisUserRateLimitOptions): UserRateLimit {
  return createUserRateLimit({
    store: createRedisUserTokenStore(options),
    burst: options.burst,
    syncIntervalMs: options.syncIntervalMs ?? USER_RATE_SYNC_MS,
    timeoutMs: options.timeoutMs,
    onFailOpen: options.onFailOpen,
  });
}
