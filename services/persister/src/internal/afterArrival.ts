/**
 * Shares one read among concurrent callers that each need a value read after they called: at
 * most one read is in flight, and everyone who arrives meanwhile waits for the single next read,
 * started as soon as the current one ends. A reconnect storm of N syncs then costs two reads at a
 * time instead of N, and no caller is answered from a read that began before it arrived.
 */
export function afterArrival<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let next: Promise<T> | undefined;

  function start(): Promise<T> {
    const current = Promise.resolve().then(read);
    inFlight = current;
    const clear = () => {
      if (inFlight === current) inFlight = undefined;
    };
    current.then(clear, clear);
    return current;
  }

  return () => {
    if (!inFlight) return start();
    if (!next) {
      const settled = inFlight.then(
        () => undefined,
        () => undefined,
      );
      next = settled.then(() => {
        next = undefined;
        return start();
      });
    }
    return next;
  };
}
