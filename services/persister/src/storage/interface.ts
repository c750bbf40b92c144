import type { Event } from '@switchboard/schemas';
import type { ClientEvent } from '@switchboard/protocol';
import type { PartitionOffset } from '../types/projection';
import type { ConversationInfo } from './tables/conversations';
import type { MemberConversation, Membership } from './tables/members';

export type { ConversationInfo, MemberConversation, Membership };

/** What one projected round did. */
export interface ProjectionResult {
  /** Sequenced events stored for the first time. */
  stored: number;
  /** Sequenced events skipped because their (conversation, seq) was already stored. */
  duplicates: number;
  /** Receipts applied (they carry no seq and are always applied; applying one again changes nothing). */
  receipts: number;
  /** Highest seq stored per conversation by this round. */
  lastSeqs: Map<string, number>;
}

/** The consumer's side: write a round of batches and their offsets atomically, and read the stored position. */
export interface ProjectionWriter {
  /**
   * Projects the events and records the offsets, all in one transaction. The events of each
   * partition come in log order; the partitions may follow one another in any order, since a
   * conversation lives on one partition.
   */
  projectRound(events: readonly Event[], offsets: readonly PartitionOffset[]): Promise<ProjectionResult>;
  /** The next offset to read in a partition, or undefined when nothing was projected from it. */
  nextOffset(topic: string, partition: number): Promise<number | undefined>;
  /** The next offset to read in every partition projected from so far. */
  nextOffsets(topic: string): Promise<Map<number, number>>;
}

/** The HTTP API's side: read-only queries over the projection. */
export interface HistoryReader {
  conversation(conversationId: string): Promise<ConversationInfo | undefined>;
  membership(conversationId: string, userId: string): Promise<Membership | undefined>;
  /** Up to `limit` events with seq > afterSeq, ascending. */
  eventsAfter(conversationId: string, afterSeq: number, limit: number): Promise<ClientEvent[]>;
  /** The newest `limit` events with fromSeq <= seq < beforeSeq (no upper bound when null), descending. */
  eventsBefore(conversationId: string, beforeSeq: number | null, fromSeq: number, limit: number): Promise<ClientEvent[]>;
  /** The user's current conversations whose last seq is past the user's cursor (0 when absent). */
  conversationsAhead(userId: string, cursors: ReadonlyMap<string, number>): Promise<MemberConversation[]>;
  /** Per conversation, up to its `limit` events after its seq, ascending. */
  eventWindows(windows: readonly { conversationId: string; afterSeq: number; limit: number }[]): Promise<Map<string, ClientEvent[]>>;
  /** Per conversation, each member's read seq. */
  readPositions(conversationIds: readonly string[]): Promise<Map<string, Record<string, number>>>;
}

/** Whether the database answers. */
export interface DatabaseProbe {
  ping(timeoutMs: number): Promise<void>;
}

export type PersisterStorage = ProjectionWriter & HistoryReader & DatabaseProbe;
