import { setTimeout as sleep } from 'node:timers/promises';
import { isSwitchboardError } from '@switchboard/client';

export interface SendAck {
  readonly conversationId: string;
  readonly seq: number;
  readonly messageId: string;
}

export interface SendFailure {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

export interface SendManyResult {
  /** In the order of the messages; undefined where a message failed or was not sent. */
  readonly acks: readonly (SendAck | undefined)[];
  readonly failures: readonly SendFailure[];
}

export interface SendManyOptions {
  readonly count: number;
  /** Sends message `index` and resolves with its ack; rejects with a SwitchboardError when refused for good. */
  readonly send: (index: number) => Promise<SendAck>;
  /** Messages started per second; the gateway's per-connection rate by default (50). */
  readonly ratePerSecond: number;
  /** Sends awaiting their ack at once. */
  readonly inFlight?: number;
  readonly signal?: AbortSignal;
  readonly onSettled?: (settled: number) => void;
  readonly wait?: (ms: number) => Promise<unknown>;
}

/**
 * Sends `count` messages paced to a rate, so a bulk send is not refused with rate_limited, with a
 * bounded number awaiting acks. The client retries what is retriable; a message refused for good
 * is recorded and the rest go on. Once the signal fires no new message starts.
 */
export async function sendMany(options: SendManyOptions): Promise<SendManyResult> {
  const wait = options.wait ?? ((ms: number) => sleep(ms));
  const interval = 1000 / Math.max(0.001, options.ratePerSecond);
  const acks = new Array<SendAck | undefined>(options.count).fill(undefined);
  const failures: SendFailure[] = [];
  const started = Date.now();
  let next = 0;
  let settled = 0;

  const worker = async () => {
    while (next < options.count && !options.signal?.aborted) {
      const index = next++;
      const due = started + index * interval - Date.now();
      if (due > 0) await wait(due);
      try {
        acks[index] = await options.send(index);
      } catch (err) {
        if (!isSwitchboardError(err)) throw err;
        failures.push({ index, code: err.code, message: err.message });
      }
      settled += 1;
      options.onSettled?.(settled);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.inFlight ?? 32, options.count) }, worker));
  failures.sort((a, b) => a.index - b.index);
  return { acks, failures };
}
