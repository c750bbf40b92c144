/**
 * Writes rounds one at a time while the next one is gathered. The parts submitted in the same
 * turn of the event loop (kafkajs hands every batch of a fetch round to eachBatch in the same
 * turn) are written with one call, one database transaction; a part submitted while a call runs
 * goes into the next call. So the consumer can fetch and decode round N+1 while round N is being
 * written, and the persister and Postgres work side by side instead of in turn.
 *
 * A round may only be written if every round before it committed: a part can follow, on the same
 * partition, a part of a round that failed. So each failed call starts a new generation, and a part
 * submitted with an older generation (read before its batch was accepted) is dropped rather than
 * written: `started` resolves false, and the caller fetches it again. The parts of the failed call
 * itself are handed to `onFailed` to be fetched again.
 */
export interface RoundPipeline<P> {
  /**
   * Adds a part to the round being gathered. `started` resolves true once its round is being
   * written, false when the part was dropped; `committed` resolves once its round settled, whatever
   * the outcome.
   */
  submit(part: P, generation: number): { started: Promise<boolean>; committed: Promise<void> };
  /** The current generation: read it before deciding that a batch may be projected. */
  generation(): number;
  /** Resolves once no round is being written or waiting to be. */
  idle(): Promise<void>;
}

interface Entry<P> {
  part: P;
  generation: number;
  start: (written: boolean) => void;
  settle: () => void;
}

export function createRoundPipeline<P>(write: (parts: readonly P[]) => Promise<void>, onFailed: (err: unknown, parts: readonly P[]) => void): RoundPipeline<P> {
  let waiting: Entry<P>[] = [];
  let scheduled = false;
  let running = false;
  let generation = 0;
  let idleWaiters: (() => void)[] = [];

  function schedule(): void {
    if (scheduled || running) return;
    if (waiting.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
      return;
    }
    scheduled = true;
    setImmediate(() => void flush());
  }

  async function flush(): Promise<void> {
    scheduled = false;
    running = true;
    const taken = waiting;
    waiting = [];
    const current = taken.filter((e) => e.generation === generation);
    for (const e of taken) {
      if (e.generation === generation) continue;
      e.start(false);
      e.settle();
    }
    try {
      if (current.length > 0) {
        for (const e of current) e.start(true);
        const parts = current.map((e) => e.part);
        try {
          await write(parts);
        } catch (err) {
          generation++;
          onFailed(err, parts);
        }
      }
    } finally {
      for (const e of current) e.settle();
      running = false;
    }
    schedule();
  }

  return {
    submit(part, partGeneration) {
      let start!: (written: boolean) => void;
      let settle!: () => void;
      const started = new Promise<boolean>((resolve) => (start = resolve));
      const committed = new Promise<void>((resolve) => (settle = resolve));
      waiting.push({ part, generation: partGeneration, start, settle });
      schedule();
      return { started, committed };
    },
    generation: () => generation,
    idle() {
      if (!running && !scheduled && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
