/**
 * Spaces out the requests of a loop that would otherwise send one per turn under load.
 *
 * kafkajs fetches again as soon as a round's batches are handled, and a producer that sends
 * whenever nothing is in flight sends once per round trip. Under steady traffic every request then
 * carries a handful of records, and each costs an encode, a socket write, a wakeup of the broker
 * and a response to decode: on a loaded host that per-request work, not the records, is most of
 * the CPU. Spacing rounds at least `minIntervalMs` apart lets one request carry what arrived
 * meanwhile, for at most that much more latency; a loop whose last round started longer ago than
 * the interval (an idle one) goes at once.
 */
export interface RoundPacer {
  /**
   * Claims the next round: undefined when it may start now, or a promise that resolves when it
   * may, `minIntervalMs` after the previous one started. Nothing is awaited when nothing waits, so
   * an idle loop stays synchronous.
   */
  next(): Promise<void> | undefined;
}

export interface RoundPacerOptions {
  minIntervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createRoundPacer(options: RoundPacerOptions): RoundPacer {
  const { minIntervalMs } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  let lastStart = Number.NEGATIVE_INFINITY;
  return {
    next() {
      const at = now();
      const wait = untilNextRound(lastStart, at, minIntervalMs);
      lastStart = at + wait;
      return wait > 0 ? sleep(wait) : undefined;
    },
  };
}

/** Milliseconds a round that would start at `at` waits, given the previous round's start. */
export function untilNextRound(previousStart: number, at: number, minIntervalMs: number): number {
  return Math.max(0, previousStart + minIntervalMs - at);
}

/**
 * For a consumer: resolves `minIntervalMs` after the round (fetch) that began at `roundStartedAt`,
 * so that awaiting it at the end of eachBatch delays the next fetch. With several batches in one
 * round, each awaits the same moment.
 */
export function endOfPacedRound(roundStartedAt: number, minIntervalMs: number, now: () => number = Date.now): Promise<void> | undefined {
  const wait = untilNextRound(roundStartedAt, now(), minIntervalMs);
  return wait > 0 ? defaultSleep(wait) : undefined;
}
