/**
 * Spaces out the requests of a loop that would otherwise send one per turn under load.
 *
 * kafkajs fetches again as soon as a round's batches are handled, and a producer that sends
 * whenever nothing is in flight sends once per round trip. Under steady traffic every request then
 * carries a handful of records, and each costs an encode, a socket write (on loopback the sender
 * also runs the receiver's TCP work), a wakeup of the broker and a response to decode: on a loaded
 * host that per-request work, not the records, is most of the CPU.
 *
 * The pacer is a token bucket of rounds: one round per `intervalMs` on average, with bursts of up
 * to `burst` rounds. A loop whose rounds are rarer than that (a quiet one) never waits; a busy
 * loop is held to the rate, so that one request carries what arrived meanwhile, for at most one
 * interval more latency.
 */
export interface RoundPacer {
  /**
   * Counts a round that starts now and says when the next may start (epoch ms; at or before now
   * when it may start at once). Calls in the same turn of the event loop are one round: kafkajs
   * hands all the batches of one fetch to eachBatch in the same turn.
   */
  claim(): number;
  /** Undefined when the next round may start now, else a promise that resolves when it may. */
  untilNext(): Promise<void> | undefined;
}

export interface RoundPacerOptions {
  /** Average time between rounds the loop is held to under load; 0 never holds it. */
  intervalMs: number;
  /** Rounds that may follow each other without waiting after a quiet spell; default 10. */
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Calls `fn` once the current turn of the event loop is over. */
  afterTurn?: (fn: () => void) => void;
}

export const DEFAULT_ROUND_BURST = 10;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const defaultAfterTurn = (fn: () => void) => void setImmediate(fn);

export function createRoundPacer(options: RoundPacerOptions): RoundPacer {
  const { intervalMs } = options;
  const burst = Math.max(1, options.burst ?? DEFAULT_ROUND_BURST);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const afterTurn = options.afterTurn ?? defaultAfterTurn;
  let tokens = burst;
  let refilledAt = now();
  let nextAt = Number.NEGATIVE_INFINITY;
  let claimedThisTurn = false;

  return {
    claim() {
      if (intervalMs <= 0) return Number.NEGATIVE_INFINITY;
      if (claimedThisTurn) return nextAt;
      claimedThisTurn = true;
      afterTurn(() => (claimedThisTurn = false));
      const at = now();
      tokens = Math.min(burst, tokens + (at - refilledAt) / intervalMs) - 1;
      refilledAt = at;
      nextAt = at + nextRoundWait(tokens, intervalMs);
      return nextAt;
    },
    untilNext() {
      const wait = nextAt - now();
      return wait > 0 ? sleep(wait) : undefined;
    },
  };
}

/** Milliseconds until the bucket, holding `tokens` once the current round took its own, has one for the next round. */
export function nextRoundWait(tokens: number, intervalMs: number): number {
  return tokens >= 1 ? 0 : (1 - tokens) * intervalMs;
}
