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

/** The rate and clock of many buckets, held once. */
export class TokenBucketPolicy {
  readonly perMs: number;
  readonly burst: number;
  readonly now: () => number;

  constructor(options: TokenBucketOptions) {
    this.perMs = options.ratePerSecond / 1000;
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
  }
}

/**
 * A token bucket refilled continuously from the clock, so no timer runs per connection. One is
 * kept per connection: its state is two numbers, the policy is shared.
 */
export class ClockTokenBucket implements TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(private readonly policy: TokenBucketPolicy) {
    this.tokens = policy.burst;
    this.refilledAt = policy.now();
  }

  take(): boolean {
    const at = this.policy.now();
    if (at > this.refilledAt) {
      this.tokens = Math.min(this.policy.burst, this.tokens + (at - this.refilledAt) * this.policy.perMs);
      this.refilledAt = at;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  return new ClockTokenBucket(new TokenBucketPolicy(options));
}
