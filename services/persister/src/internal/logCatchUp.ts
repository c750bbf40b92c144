import { afterArrival } from './afterArrival';

/**
 * Before a sync is answered, the projection must hold every event committed before the request
 * arrived: a client resuming on a new connection gets nothing live for events routed before it
 * connected, so whatever the sync leaves out would stay missing until the next event of that
 * conversation. This waits, bounded, until every partition's stored position reaches the end of
 * the log as read when the request arrived.
 */
export interface LogCatchUpDeps {
  /** Next offset to be written, per partition of the events topic. */
  endOffsets(): Promise<ReadonlyMap<number, number>>;
  /** Next offset the projection will read, per partition, as stored with it (one read for all). */
  storedOffsets(): Promise<ReadonlyMap<number, number>>;
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type CatchUpOutcome = 'caught_up' | 'timed_out' | 'log_unavailable';

export function createLogCatchUp(deps: LogCatchUpDeps): () => Promise<CatchUpOutcome> {
  const now = deps.now ?? Date.now;
  // Concurrent syncs (a reconnect storm) share reads rather than each asking the broker and the database.
  const endOffsets = afterArrival(() => deps.endOffsets());
  const storedOffsets = afterArrival(() => deps.storedOffsets());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = deps.pollMs ?? 10;

  return async () => {
    const deadline = now() + deps.timeoutMs;
    let ends: ReadonlyMap<number, number>;
    try {
      ends = await withDeadline(endOffsets(), deps.timeoutMs);
    } catch {
      // Nothing new can be committed while the log is unreachable; answer from what is stored.
      return 'log_unavailable';
    }
    const behind = [...ends].filter(([, end]) => end > 0);
    if (behind.length === 0) return 'caught_up';
    for (;;) {
      const stored = await storedOffsets();
      if (behind.every(([partition, end]) => (stored.get(partition) ?? 0) >= end)) return 'caught_up';
      if (now() + pollMs > deadline) return 'timed_out';
      await sleep(pollMs);
    }
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
