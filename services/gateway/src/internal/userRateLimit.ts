import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A rate limit shared by all of a user's sessions, on every gateway. */
export interface UserRateLimit {
  /** Takes one token from the user's bucket; false when it is empty. */
  take(userId: string): Promise<boolean>;
}

export interface RedisUserRateLimitOptions {
  redis: Pick<Redis, 'evalsha' | 'eval' | 'status'>;
  namespace: string;
  ratePerSecond: number;
  burst: number;
  /** A check that takes longer lets the frame through. */
  timeoutMs: number;
  /** Called for every frame let through without a check (Redis down, slow or failing). */
  onFailOpen: (reason: string) => void;
}

/**
 * A token bucket in one Redis hash per user, refilled from Redis's own clock (so gateways with
 * skewed clocks agree) and updated atomically by a script, so concurrent gateways share it exactly.
 * The key expires once the bucket would be full again.
 */
const TAKE_TOKEN = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return allowed
`;
const TAKE_TOKEN_SHA = createHash('sha1').update(TAKE_TOKEN).digest('hex');

/**
 * Cluster-wide per-user limit. It fails open: when Redis is not connected, errs or answers slower
 * than `timeoutMs`, the frame is let through. Redis holds only caches and presence here, and
 * messaging must not stop with it; the per-connection bucket still bounds every connection, and
 * no new session can open while presence is down, so a user stays under open sessions times the
 * per-connection rate.
 */
export function createRedisUserRateLimit(options: RedisUserRateLimitOptions): UserRateLimit {
  const { redis } = options;
  const args = [String(options.ratePerSecond / 1000), String(options.burst)];
  const keyOf = (userId: string) => `${options.namespace}:ratelimit:user:${userId}`;

  async function run(key: string): Promise<unknown> {
    try {
      return await redis.evalsha(TAKE_TOKEN_SHA, 1, key, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(TAKE_TOKEN, 1, key, ...args);
    }
  }

  return {
    async take(userId) {
      // Commands issued while disconnected would pile up in the client's offline queue.
      if (redis.status !== 'ready') {
        options.onFailOpen(`redis is ${redis.status}`);
        return true;
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
      });
      try {
        const result = await Promise.race([run(keyOf(userId)), timedOut]);
        if (result === 'timeout') {
          options.onFailOpen(`redis did not answer within ${options.timeoutMs} ms`);
          return true;
        }
        return result === 1;
      } catch (err) {
        options.onFailOpen(err instanceof Error ? err.message : String(err));
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
