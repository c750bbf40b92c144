/** Runs tasks one after another in the order given, whatever each waits on. */
export interface SerialQueue {
  /**
   * Queues a task; a task that throws or rejects is reported to onError and the queue goes on.
   * When nothing is queued the task runs at once, within this call.
   */
  run(task: () => void | Promise<void>): void;
}

export function createSerialQueue(onError: (err: unknown) => void): SerialQueue {
  /** Tasks queued or running that have not finished. */
  let unfinished = 0;
  let tail: Promise<void> = Promise.resolve();
  const finished = () => void (unfinished -= 1);
  return {
    run(task) {
      if (unfinished > 0) {
        unfinished += 1;
        tail = tail.then(task).catch(onError).then(finished);
        return;
      }
      let result: void | Promise<void>;
      try {
        result = task();
      } catch (err) {
        onError(err);
        return;
      }
      if (!(result instanceof Promise)) return;
      unfinished += 1;
      tail = result.catch(onError).then(finished);
    },
  };
}
