/**
 * Gathers the parts submitted in the same turn of the event loop and runs them with one call, one
 * call at a time. kafkajs hands every batch of a fetch round to eachBatch in the same turn, so the
 * round becomes one call (one database transaction) instead of one per partition. A part submitted
 * while a call runs goes into the next call.
 *
 * Each part settles with its call's outcome: the call's result, or its error. Unlike the router's
 * transaction batcher, a failed call does not refuse the parts that come after it: the projection
 * keeps no state in memory that the failure could have spoilt, so the next call simply starts
 * from what the database holds.
 */
export type RoundBatcher<P, R> = (part: P) => Promise<R>;

export function createRoundBatcher<P, R>(run: (parts: readonly P[]) => Promise<R>): RoundBatcher<P, R> {
  let waiting: { part: P; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  let scheduled = false;
  let running = false;

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
      const result = await run(taken.map((w) => w.part));
      for (const w of taken) w.resolve(result);
    } catch (err) {
      for (const w of taken) w.reject(err);
    } finally {
      running = false;
    }
    schedule();
  }

  return (part) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ part, resolve, reject });
      schedule();
    });
}
