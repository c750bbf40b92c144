export interface BackoffOptions {
  /** Ceiling of the first delay, in ms (default 500). */
  initialDelayMs?: number;
  /** Largest ceiling, in ms (default 30 000). */
  maxDelayMs?: number;
  /** Growth of the ceiling per attempt (default 2). */
  multiplier?: number;
}

export interface Backoff {
  /** The delay before the next attempt: uniformly random below a ceiling that grows per attempt. */
  next(): number;
  /** Attempts made since the last reset. */
  attempts(): number;
  reset(): void;
}

/**
 * Exponential backoff with full jitter: attempt n waits random() * min(max, initial * multiplier^n).
 * Spreading clients over the whole interval keeps a gateway restart from being followed by a
 * reconnect stampede.
 */
export function createBackoff(options: BackoffOptions = {}, random: () => number = Math.random): Backoff {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const multiplier = options.multiplier ?? 2;
  if (!(initial > 0) || !(max >= initial) || !(multiplier >= 1)) {
    throw new RangeError(`backoff needs 0 < initialDelayMs <= maxDelayMs and multiplier >= 1 (got ${initial}, ${max}, ${multiplier})`);
  }
  let attempt = 0;
  return {
    next() {
      const ceiling = Math.min(max, initial * multiplier ** attempt);
      attempt += 1;
      return Math.floor(random() * ceiling);
    },
    attempts: () => attempt,
    reset() {
      attempt = 0;
    },
  };
}
