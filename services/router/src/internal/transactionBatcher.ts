/**
 * Gathers the parts that become ready in the same turn of the event loop (the batches of one
 * fetch round) and commits them with one call to `run`, one call at a time. kafkajs hands the
 * batches of a round to eachBatch together, so a round costs one transaction instead of one per
 * partition; a part that comes later goes into the next call.
 *
 * After a failed call the batcher is spent: that call's parts, the parts waiting and any part
 * submitted later are all refused with the same error, because they were decided on state that
 * included what failed. `onFailure` hears once, with every part that was refused then, so that
 * their input can be read again; the owner is then discarded and state is rebuilt from the log.
 */
export interface TransactionBatcher<P> {
  submit(part: P): Promise<void>;
  /** Settles when the call running now (if any) ends, whether it committed or not. */
  inFlight(): Promise<void>;
  /** Settles when nothing runs and nothing waits. */
  idle(): Promise<void>;
  failed(): boolean;
}

export function createTransactionBatcher<P>(run: (parts: readonly P[]) => Promise<void>, onFailure?: (parts: readonly P[], err: unknown) => void): TransactionBatcher<P> {
  let waiting: { part: P; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let scheduled = false;
  let running: Promise<void> | undefined;
  let failure: { err: unknown } | undefined;
  let idleWaiters: (() => void)[] = [];

  function schedule(): void {
    if (scheduled || running || waiting.length === 0) {
      if (!scheduled && !running && waiting.length === 0) wakeIdle();
      return;
    }
    scheduled = true;
    setImmediate(() => void (running = flush()));
  }

  function wakeIdle(): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const taken = waiting;
    waiting = [];
    try {
      await run(taken.map((w) => w.part));
      for (const w of taken) w.resolve();
    } catch (err) {
      failure = { err };
      const refused = [...taken, ...waiting];
      waiting = [];
      for (const w of refused) w.reject(err);
      onFailure?.(
        refused.map((w) => w.part),
        err,
      );
    } finally {
      running = undefined;
    }
    schedule();
  }

  return {
    submit(part) {
      if (failure) return Promise.reject(failure.err);
      return new Promise<void>((resolve, reject) => {
        waiting.push({ part, resolve, reject });
        schedule();
      });
    },
    inFlight: () => running ?? Promise.resolve(),
    idle() {
      if (!scheduled && !running && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    failed: () => failure !== undefined,
  };
}
