import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** One user's exchange with the shared bucket: `delta` > 0 asks for that many tokens, < 0 gives -delta back. */
export interface TokenRequest {
  userId: string;
  delta: number;
}

export interface TokenGrant {
  /** Tokens taken from the bucket for the gateway (0 for a give-back). */
  granted: number;
  /** When fewer were granted than asked: milliseconds until the bucket holds a whole token again. */
  retryMs: number;
}

/** The cluster-wide per-user token buckets. */
export interface UserTokenStore {
  /** Why no command can be sent now (e.g. Redis is not connected), or undefined. */
  unavailable(): string | undefined;
  /** Answers every request, in order, in one round trip; rejects when the round trip fails. */
  exchange(requests: readonly TokenRequest[]): Promise<TokenGrant[]>;
}

export interface RedisUserTokenStoreOptions {
  redis: Pick<Redis, 'pipeline' | 'status'>;
  namespace: string;
  ratePerSecond: number;
  burst: number;
}

/**
 * A token bucket in one Redis hash per user, refilled from Redis's own clock (so gateways with
 * skewed clocks agree) and updated atomically by a script, so concurrent gateways share it. A
 * request for n tokens takes what the bucket holds, up to n; tokens given back are added, up to
 * the burst. The key expires once the bucket would be full again.
 */
const EXCHANGE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local delta = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
local granted = 0
local retry = 0
if delta < 0 then
  tokens = math.min(burst, tokens - delta)
else
  granted = math.min(delta, math.floor(tokens))
  tokens = tokens - granted
  if granted < delta then retry = math.ceil((1 - tokens) / rate) end
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return {granted, retry}
`;
const EXCHANGE_SHA = createHash('sha1').update(EXCHANGE).digest('hex');

type PipelineResult = [Error | null, unknown][] | null;

export function createRedisUserTokenStore(options: RedisUserTokenStoreOptions): UserTokenStore {
  const { redis } = options;
  const args = [String(options.ratePerSecond / 1000), String(options.burst)];
  const keyOf = (userId: string) => `${options.namespace}:ratelimit:user:${userId}`;

  function grantOf(reply: unknown): TokenGrant {
    const [granted, retryMs] = reply as [number, number];
    return { granted: Number(granted), retryMs: Number(retryMs) };
  }

  return {
    unavailable: () => (redis.status === 'ready' ? undefined : `redis is ${redis.status}`),

    async exchange(requests) {
      const results: PipelineResult = await redis
        .pipeline(requests.map((r) => ['evalsha', EXCHANGE_SHA, 1, keyOf(r.userId), ...args, String(r.delta)]))
        .exec();
      if (!results) throw new Error('the pipeline was discarded');
      // After a Redis restart the script cache is empty: only the commands that failed for it run again.
      const missing = results.flatMap(([err], i) => (err?.message.startsWith('NOSCRIPT') ? [i] : []));
      if (missing.length > 0) {
        const retried: PipelineResult = await redis
          .pipeline(missing.map((i) => ['eval', EXCHANGE, 1, keyOf(requests[i]!.userId), ...args, String(requests[i]!.delta)]))
          .exec();
        if (!retried) throw new Error('the pipeline was discarded');
        missing.forEach((i, j) => (results[i] = retried[j]!));
      }
      return results.map(([err, reply]) => {
        if (err) throw err;
        return grantOf(reply);
      });
    },
  };
}
