import type { ClientEvent } from '@switchboard/protocol';

/*
 * Row sets the projection writes, as plain data: the planner derives them from events, the
 * storage layer writes them. Times are epoch milliseconds.
 */

/** One timeline entry of persister_events. */
export interface TimelineRow {
  conversationId: string;
  seq: number;
  kind: ClientEvent['kind'];
  actorId: string;
  occurredAt: number;
  payload: ClientEvent;
}

/** The newest state of a conversation's row that a set of events implies. */
export interface ConversationChange {
  conversationId: string;
  kind: 'direct' | 'group';
  /** Set by the group's creation; null leaves the stored name as it is. */
  name: string | null;
  lastSeq: number;
  /** When the earliest of the events happened; used only when the row is created. */
  firstAt: number;
  lastAt: number;
}

/**
 * A member's state after the events. joinedSeq is null when the events only removed the user, so
 * only removed_seq changes. A change applies only if its seq is past the stored row's last
 * change, which keeps an older event from undoing a newer one.
 */
export interface MembershipChange {
  conversationId: string;
  userId: string;
  joinedSeq: number | null;
  removedSeq: number | null;
}

/** A message's deletion: its text is erased from the timeline (the message's row and its edits). */
export interface MessageDeletion {
  conversationId: string;
  targetSeq: number;
}

/** The furthest read and delivered positions of one member in the events; 0 when none moved. */
export interface CursorChange {
  conversationId: string;
  userId: string;
  readSeq: number;
  deliveredSeq: number;
  at: number;
}

/** Everything the newly seen events change besides the timeline itself. */
export interface ProjectionEffects {
  conversations: ConversationChange[];
  memberships: MembershipChange[];
  deletions: MessageDeletion[];
  cursors: CursorChange[];
}

/** Where the projection has read up to in one partition: the next offset to read. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  nextOffset: number;
}
