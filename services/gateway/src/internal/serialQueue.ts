/** Runs tasks one after another in the order given, whatever each waits on. */
export interface SerialQueue {
  /** Queues a task; a task that throws or rejects is reported to onError and the queue goes on. */
  run(task: () => void | Promise<void>): void;
}

export function createSerialQueue(onError: (err: unknown) => void): SerialQueue {
  let tail: Promise<void> = Promise.resolve();
  return {
    run(task) {
      tail = tail.then(task).catch(onError);
    },
  };
}
