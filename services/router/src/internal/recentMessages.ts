export interface SentMessageRecord {
  seq: number;
  messageId: string;
  senderId: string;
  clientMsgId: string;
  deleted: boolean;
}

/**
 * The most recent messages of one conversation, by sequence and by (sender, client message id):
 * the router's deduplication window and its record of who wrote what, for edits and deletes.
 * Bounded, so a conversation's state stays small however long it lives; the bound is the
 * promise documented for retries and edits (a retry older than the window would post again).
 */
export class RecentMessages {
  private readonly bySeq = new Map<number, SentMessageRecord>();
  private readonly byClientId = new Map<string, SentMessageRecord>();
  /** The records in the order they were added, from `start` on; what lies before `start` was evicted. */
  private order: SentMessageRecord[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  add(record: SentMessageRecord): void {
    const replaced = this.bySeq.get(record.seq);
    this.bySeq.set(record.seq, record);
    this.byClientId.set(clientKey(record.senderId, record.clientMsgId), record);
    if (replaced) this.order[this.order.indexOf(replaced, this.start)] = record;
    else this.order.push(record);
    while (this.bySeq.size > this.capacity) {
      const oldest = this.bySeq.keys().next().value as number;
      const evicted = this.bySeq.get(oldest)!;
      this.bySeq.delete(oldest);
      const key = clientKey(evicted.senderId, evicted.clientMsgId);
      if (this.byClientId.get(key) === evicted) this.byClientId.delete(key);
      this.start += 1;
    }
    if (this.start > 1_024 && this.start * 2 > this.order.length) {
      this.order = this.order.slice(this.start);
      this.start = 0;
    }
  }

  bySequence(seq: number): SentMessageRecord | undefined {
    return this.bySeq.get(seq);
  }

  byClientMessageId(senderId: string, clientMsgId: string): SentMessageRecord | undefined {
    return this.byClientId.get(clientKey(senderId, clientMsgId));
  }

  get size(): number {
    return this.bySeq.size;
  }

  /** The sequence of the oldest message kept, or undefined when none is. */
  oldestSeq(): number | undefined {
    return this.order[this.start]?.seq;
  }

  /** The messages kept whose sequence is above `seq`, oldest first (messages are added in sequence order). */
  newerThan(seq: number): SentMessageRecord[] {
    let first = this.order.length;
    while (first > this.start && this.order[first - 1]!.seq > seq) first -= 1;
    return this.order.slice(first);
  }
}

function clientKey(senderId: string, clientMsgId: string): string {
  return `${senderId}\u0000${clientMsgId}`;
}
