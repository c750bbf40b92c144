import type { Event, RouterSnapshot } from '@switchboard/schemas';
import type { ConversationState } from './conversationState';
import { snapshotConversation, snapshotKeys, type Chain, type SnapshotChanges } from './conversationSnapshot';

export interface SnapshotBookOptions {
  /** A partition is snapshotted once this many offsets of its events lie after its checkpoint. */
  lagEvents: number;
  /** Snapshot bytes one transaction carries at most (at least one conversation's). */
  budgetBytes: number;
  clusterId: string;
  eventsTopic: string;
  encode(value: RouterSnapshot): Buffer;
  now(): number;
}

/** A record for the snapshots topic, encoded; a null value is a tombstone. */
export interface SnapshotMessage {
  partition: number;
  key: string;
  value: Buffer | null;
}

/** The snapshots one transaction carries; `apply` records them once the transaction committed. */
export interface SnapshotFlush {
  messages: SnapshotMessage[];
  bytes: number;
  conversations: number;
  apply(): void;
}

interface Dirty {
  /** A lower bound of the offset of the conversation's first event that no snapshot includes. */
  firstUncovered: number;
  /** The seq of the last event noted: the state must be at it to be snapshotted. */
  lastSeq: number;
}

interface PartitionBook {
  partition: number;
  /** A lower bound of the offset the next event written to this events partition gets. */
  position: number;
  /** Where a new owner would start folding this partition's events. */
  checkpoint: number;
  chains: Map<string, Chain>;
  /** Keys of older chains to delete with a conversation's next snapshot. */
  stale: Map<string, string[]>;
  /** Conversations with events that no snapshot includes, in the order they became dirty. */
  dirty: Map<string, Dirty>;
  changes: Map<string, SnapshotChanges>;
}

/**
 * Which conversations of a block's partitions have state that no snapshot includes, and when to
 * snapshot them. The owner notes every event it writes (and every event it folds while restoring);
 * once a partition's events after its checkpoint reach `lagEvents`, the next transaction
 * snapshots that partition's dirty conversations (oldest first, within `budgetBytes`) and moves
 * the checkpoint to the first event still not covered. So the tail a new owner folds stays under
 * about `lagEvents` per partition, and each event is written to the snapshots once or twice (its
 * recent-message entry, and its share of a head), however long the history.
 */
export class SnapshotBook {
  private readonly partitions = new Map<number, PartitionBook>();

  constructor(private readonly options: SnapshotBookOptions) {}

  /** Starts the book of a partition restored from `checkpoint` (the offset its fold started at). */
  open(partition: number, checkpoint: number, chains: Map<string, Chain>, stale: Map<string, string[]>): void {
    this.partitions.set(partition, { partition, position: checkpoint, checkpoint, chains, stale, dirty: new Map(), changes: new Map() });
  }

  /** Notes an event written to (or folded from) `partition`; receipts (no seq) change no state. */
  noteEvent(partition: number, event: Event): void {
    const book = this.partitions.get(partition);
    if (!book || event.seq === null) return;
    const id = event.conversationId;
    const dirty = book.dirty.get(id);
    if (dirty) dirty.lastSeq = event.seq;
    else book.dirty.set(id, { firstUncovered: book.position, lastSeq: event.seq });
    const chain = book.chains.get(id);
    if (!chain) return;
    const body = event.body;
    if (body.type === 'MessageDeleted' && body.targetSeq <= chain.lastSeq) this.changesOf(book, id).deletedSeqs.push(body.targetSeq);
    else if (body.type === 'GroupCreated' || body.type === 'MemberAdded' || body.type === 'MemberRemoved') this.changesOf(book, id).membersChanged = true;
  }

  /** Events up to (not including) `offset` are written to `partition`. */
  eventsWritten(partition: number, offset: number): void {
    const book = this.partitions.get(partition);
    if (book && offset > book.position) book.position = offset;
  }

  /** The most offsets of events after a partition's checkpoint: what a new owner would fold. */
  lag(): number {
    let lag = 0;
    for (const book of this.partitions.values()) lag = Math.max(lag, book.position - book.checkpoint);
    return lag;
  }

  /**
   * The snapshots the next transaction carries, from the states as they are now; the caller
   * must call this when the states hold exactly what the transaction's events lead to.
   */
  plan(states: ReadonlyMap<string, ConversationState>): SnapshotFlush | undefined {
    const due = [...this.partitions.values()]
      .filter((b) => b.position - b.checkpoint >= this.options.lagEvents)
      .sort((a, b) => b.position - b.checkpoint - (a.position - a.checkpoint));
    if (due.length === 0) return undefined;
    const messages: SnapshotMessage[] = [];
    const applied: (() => void)[] = [];
    let bytes = 0;
    let conversations = 0;
    for (const book of due) {
      const written = new Map<string, Chain>();
      for (const [id, dirty] of book.dirty) {
        if (bytes >= this.options.budgetBytes) break;
        const state = states.get(id);
        // A state ahead of (or behind) the events noted would not match this transaction: leave it dirty.
        if (!state || state.lastSeq !== dirty.lastSeq) continue;
        const { records, chain } = snapshotConversation(state, book.chains.get(id), book.changes.get(id), book.stale.get(id));
        for (const record of records) {
          const value = record.value ? this.options.encode(record.value) : null;
          bytes += record.key.length + (value?.length ?? 0);
          messages.push({ partition: book.partition, key: record.key, value });
        }
        written.set(id, chain);
        conversations += 1;
      }
      let checkpoint = book.position;
      for (const [id, dirty] of book.dirty) if (!written.has(id)) checkpoint = Math.min(checkpoint, dirty.firstUncovered);
      // Snapshots without a checkpoint would not be used: one is written with every snapshot.
      if (checkpoint > book.checkpoint || written.size > 0) {
        const value = this.options.encode({
          body: {
            type: 'SnapshotCheckpoint',
            clusterId: this.options.clusterId,
            eventsTopic: this.options.eventsTopic,
            partition: book.partition,
            eventsOffset: checkpoint,
            writtenAt: this.options.now(),
          },
        });
        messages.push({ partition: book.partition, key: snapshotKeys.checkpoint(book.partition), value });
        bytes += value.length;
      }
      applied.push(() => {
        for (const [id, chain] of written) {
          book.dirty.delete(id);
          book.changes.delete(id);
          book.stale.delete(id);
          book.chains.set(id, chain);
        }
        book.checkpoint = Math.max(book.checkpoint, checkpoint);
      });
    }
    if (messages.length === 0) return undefined;
    return { messages, bytes, conversations, apply: () => applied.forEach((apply) => apply()) };
  }

  private changesOf(book: PartitionBook, id: string): SnapshotChanges {
    let changes = book.changes.get(id);
    if (!changes) book.changes.set(id, (changes = { membersChanged: false, deletedSeqs: [] }));
    return changes;
  }
}
