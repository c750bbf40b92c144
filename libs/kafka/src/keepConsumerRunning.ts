import type { Consumer } from 'kafkajs';

export interface KeepRunningOptions {
  /** Told about each restart, and about a restart that failed (it is tried again later). */
  log?: (message: string, extra: Record<string, unknown>) => void;
  /** First pause before a restart; doubled on each further crash up to `maxDelayMs`. */
  delayMs?: number;
  maxDelayMs?: number;
}

export interface ConsumerKeeper {
  /** Call before disconnecting the consumer on purpose. */
  stop(): void;
}

/**
 * kafkajs restarts a crashed consumer by itself only when the error was retriable. Some errors
 * met during a broker restart are not (the group coordinator cannot be found, for one), and they
 * end the consumer for good, leaving a process that looks alive and consumes nothing. This runs
 * such a consumer again after a pause (growing while it keeps crashing, reset once it joins).
 *
 * `run` is the service's own `consumer.run({...})` call; the subscription is kept by the consumer.
 */
export function keepConsumerRunning(consumer: Consumer, run: () => Promise<void>, options: KeepRunningOptions = {}): ConsumerKeeper {
  const delayMs = options.delayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  function schedule(): void {
    if (stopped || timer) return;
    const delay = Math.min(maxDelayMs, delayMs * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      options.log?.('restarting a consumer that kafkajs gave up on', { attempt, delayMs: delay });
      consumer
        .connect()
        .then(run)
        .catch((err: unknown) => {
          options.log?.('restarting the consumer failed; trying again', { attempt, err });
          schedule();
        });
    }, delay);
  }

  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) schedule();
  });
  consumer.on(consumer.events.GROUP_JOIN, () => void (attempt = 0));
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
