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

  constructor(private readonly capacity: number) {}

  add(record: SentMessageRecord): void {
    this.bySeq.set(record.seq, record);
    this.byClientId.set(clientKey(record.senderId, record.clientMsgId), record);
    while (this.bySeq.size > this.capacity) {
      const oldest = this.bySeq.keys().next().value as number;
      const evicted = this.bySeq.get(oldest)!;
      this.bySeq.delete(oldest);
      const key = clientKey(evicted.senderId, evicted.clientMsgId);
      if (this.byClientId.get(key) === evicted) this.byClientId.delete(key);
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
}

function clientKey(senderId: string, clientMsgId: string): string {
  return `${senderId}\u0000${clientMsgId}`;
}
