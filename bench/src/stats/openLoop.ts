/**
 * Open-loop send schedule: message i is due at start + i / rate whatever happened before, so a
 * stalled sender or server does not thin out the load (no coordinated omission). Latency is then
 * measured from each message's scheduled time, never from when the sender got round to it.
 */
export interface OpenLoopSchedule {
  /** Scheduled times (ms) of every message due by `now` and not yet taken, oldest first. */
  takeDue(now: number): number[];
  /** Every message of the schedule was taken. */
  readonly done: boolean;
  /** Messages taken so far. */
  readonly taken: number;
  readonly total: number;
}

export function createOpenLoopSchedule(options: { ratePerSecond: number; startMs: number; durationMs: number; maxMessages?: number }): OpenLoopSchedule {
  const { ratePerSecond, startMs, durationMs } = options;
  if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
  const total = Math.min(options.maxMessages ?? Number.POSITIVE_INFINITY, Math.floor((durationMs / 1000) * ratePerSecond));
  const interval = 1000 / ratePerSecond;
  let next = 0;
  return {
    takeDue(now) {
      const due: number[] = [];
      while (next < total) {
        const at = startMs + next * interval;
        if (at > now) break;
        due.push(at);
        next++;
      }
      return due;
    },
    get done() {
      return next >= total;
    },
    get taken() {
      return next;
    },
    total,
  };
}

/** Rates for a saturation search: from `start`, multiplied by `factor` each step, at most `steps` of them. */
export function geometricSteps(start: number, factor: number, steps: number, max = Number.POSITIVE_INFINITY): number[] {
  const rates: number[] = [];
  let rate = start;
  for (let i = 0; i < steps && rate <= max; i++) {
    rates.push(Math.round(rate));
    rate *= factor;
  }
  return rates;
}
