/**
 * Gathers the parts that become ready in the same turn of the event loop (the batches of one
 * fetch round) and commits them with one call to `run`, one call at a time. kafkajs hands the
 * batches of a round to eachBatch together, so a round costs one transaction instead of one per
 * partition; a part that comes later goes into the next call.
 *
 * After a failed call the batcher is spent: that call's parts, the parts waiting and any part
 * submitted later are all refused with the same error, because they were decided on state that
 * included what failed. Its owner is then discarded and state is rebuilt from the log.
 */
export interface TransactionBatcher<P> {
  submit(part: P): Promise<void>;
}

export function createTransactionBatcher<P>(run: (parts: readonly P[]) => Promise<void>): TransactionBatcher<P> {
  let waiting: { part: P; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let scheduled = false;
  let running = false;
  let failure: { err: unknown } | undefined;

  function schedule(): void {
    if (scheduled || running || waiting.length === 0) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  async function flush(): Promise<void> {
    scheduled = false;
    running = true;
    const taken = waiting;
    waiting = [];
    try {
      await run(taken.map((w) => w.part));
      for (const w of taken) w.resolve();
    } catch (err) {
      failure = { err };
      for (const w of [...taken, ...waiting]) w.reject(err);
      waiting = [];
    } finally {
      running = false;
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
  };
}
