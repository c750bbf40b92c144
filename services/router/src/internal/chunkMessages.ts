import type { Message, TopicMessages } from 'kafkajs';

/**
 * kafkajs writes everything one send holds for a partition as a single record batch, and the
 * broker refuses a batch larger than the topic's max.message.bytes (1 MiB by default) with
 * MESSAGE_TOO_LARGE, on every retry. A transaction carrying a busy fetch round (or a group message
 * fanned out to a thousand sessions) would fail there round after round, so its writes go out in several
 * sends, each holding at most `maxBytesPerPartition` for any one partition.
 */
export const MAX_SEND_BYTES_PER_PARTITION = 512 * 1024;

/** Bytes a record takes in a batch, near enough: value, key, headers and per-record framing. */
export function recordBytes(message: Message): number {
  let bytes = 32 + byteLength(message.value) + byteLength(message.key);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += 8 + name.length + (Array.isArray(value) ? value.reduce((n: number, v) => n + byteLength(v), 0) : byteLength(value));
  }
  return bytes;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Splits the writes into sends, keeping each partition's records in order. */
export function chunkMessages(topicMessages: readonly TopicMessages[], maxBytesPerPartition = MAX_SEND_BYTES_PER_PARTITION): TopicMessages[][] {
  const sends: Map<string, Message[]>[] = [];
  /** Per topic and partition: the send being filled and the bytes it holds for that partition. */
  const filling = new Map<string, { send: number; bytes: number }>();
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const key = `${topic}\u0000${message.partition ?? -1}`;
      const size = recordBytes(message);
      let slot = filling.get(key);
      if (!slot) filling.set(key, (slot = { send: 0, bytes: 0 }));
      else if (slot.bytes > 0 && slot.bytes + size > maxBytesPerPartition) {
        slot.send += 1;
        slot.bytes = 0;
      }
      slot.bytes += size;
      while (sends.length <= slot.send) sends.push(new Map());
      const byTopic = sends[slot.send]!;
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(message);
    }
  }
  return sends.map((byTopic) => [...byTopic].map(([topic, messages]) => ({ topic, messages })));
}
