/**
 * Wakes API requests that wait for a conversation to reach a seq as soon as this process projects
 * new events of it, instead of at their next poll. Events projected by another persister process
 * are still seen by the poll.
 */
export interface ProgressSignal {
  /** Reports that these conversations have new events stored. */
  notify(conversationIds: Iterable<string>): void;
  /** Resolves at the next notify for the conversation, or after timeoutMs. */
  next(conversationId: string, timeoutMs: number): Promise<void>;
}

export function createProgressSignal(): ProgressSignal {
  const waiters = new Map<string, Set<() => void>>();
  return {
    notify(conversationIds) {
      for (const id of conversationIds) {
        const wake = waiters.get(id);
        if (!wake) continue;
        waiters.delete(id);
        for (const resolve of wake) resolve();
      }
    },
    next(conversationId, timeoutMs) {
      return new Promise<void>((resolve) => {
        let set = waiters.get(conversationId);
        if (!set) waiters.set(conversationId, (set = new Set()));
        const done = () => {
          clearTimeout(timer);
          const current = waiters.get(conversationId);
          current?.delete(done);
          if (current?.size === 0) waiters.delete(conversationId);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        set.add(done);
      });
    },
  };
}
