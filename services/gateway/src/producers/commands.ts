import type { Message, Producer } from 'kafkajs';
import type { Command } from '@switchboard/schemas';
import { createRoundPacer, type RoundPacer } from '@switchboard/kafka';
import { HOP_HEADERS, stampText } from '@switchboard/telemetry';

/** Publishes commands to the commands topic, keyed by conversation. */
export interface CommandPublisher {
  /**
   * Resolves once the brokers acknowledged the command (acks=all), rejects when it could not be
   * written. `receivedAt` (a hop stamp) travels in the record's headers.
   */
  publish(command: Command, receivedAt?: number): Promise<void>;
  /** Waits until every command handed over so far was written or failed. */
  flush(): Promise<void>;
}

export interface CommandPublisherOptions {
  /** Writes one batch of records; the whole batch succeeds or fails. */
  sendBatch: (messages: Message[]) => Promise<void>;
  encode: (command: Command) => Buffer;
  /** Most records in one produce request. */
  maxBatchMessages?: number;
  /** Holds batches to a rate while commands keep coming (see roundPacing.ts); by default never. */
  pacer?: RoundPacer;
}

interface Queued {
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * kafkajs has no linger, so batching happens here: a command goes out at once when nothing is in
 * flight and the publisher is not being held to `intervalMs` (see roundPacing.ts); commands that
 * arrive meanwhile wait and go together in the next one. Under load batches grow by themselves, and a
 * lone command on an idle gateway never waits for a timer.
 */
export function createCommandPublisher(options: CommandPublisherOptions): CommandPublisher {
  const maxBatch = options.maxBatchMessages ?? 500;
  let queue: Queued[] = [];
  let inFlight: Promise<void> | undefined;
  const pacer = options.pacer ?? createRoundPacer({ intervalMs: 0 });

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const paced = pacer.untilNext();
      if (paced) await paced;
      pacer.claim();
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        await options.sendBatch(batch.map((q) => q.message));
        for (const q of batch) q.resolve();
      } catch (err) {
        for (const q of batch) q.reject(err);
      }
    }
    inFlight = undefined;
  }

  return {
    publish(command, receivedAt) {
      let message: Message;
      try {
        const headers: Record<string, string> = { 'command-type': command.body.type, 'conversation-id': command.conversationId };
        if (receivedAt !== undefined) headers[HOP_HEADERS.received] = stampText(receivedAt);
        message = { key: command.conversationId, value: options.encode(command), headers };
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        inFlight ??= drain();
      });
    },
    async flush() {
      while (inFlight) await inFlight;
    },
  };
}

/** One idempotent producer's sendBatch to the commands topic, acknowledged by all in-sync replicas. */
export function kafkaCommandSender(producer: Producer, topic: string): (messages: Message[]) => Promise<void> {
  return async (messages) => {
    await producer.sendBatch({ topicMessages: [{ topic, messages }], acks: -1 });
  };
}
