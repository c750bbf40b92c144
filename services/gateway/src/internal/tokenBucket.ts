export interface TokenBucket {
  /** Takes one token; false when the bucket is empty and the caller must be refused. */
  take(): boolean;
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Most tokens the bucket holds; it starts full. */
  burst: number;
  now?: () => number;
}

/** A token bucket refilled continuously from the clock, so no timer runs per connection. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const now = options.now ?? Date.now;
  const perMs = options.ratePerSecond / 1000;
  let tokens = options.burst;
  let refilledAt = now();
  return {
    take() {
      const at = now();
      if (at > refilledAt) {
        tokens = Math.min(options.burst, tokens + (at - refilledAt) * perMs);
        refilledAt = at;
      }
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
