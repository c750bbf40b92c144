import type { ConversationHead, MemberPage, RecentPage, RouterSnapshot, SnapshotMessage } from '@switchboard/schemas';
import { newConversationState, type ConversationState } from './conversationState';

/*
 * A conversation's state as records of the compacted snapshots topic, and back. A snapshot is
 * incremental: the head (scalars) is written every time, the members only when they changed, and
 * the recent messages as a chain of pages that each hold what was added since the previous
 * snapshot (plus the older messages deleted since). A page all of whose messages left the window
 * is deleted with a tombstone. Restoring adds the chain's messages in sequence order to a window
 * of the reader's capacity, which evicts exactly what the writer evicted, provided the writer's
 * window was at least as large (the head says how large it was).
 */

export const MEMBERS_PER_PAGE = 2_000;
export const MESSAGES_PER_PAGE = 1_000;
export const DELETED_SEQS_PER_PAGE = 10_000;

export const snapshotKeys = {
  head: (conversationId: string) => `h:${conversationId}`,
  members: (conversationId: string, page: number) => `m:${conversationId}:${page}`,
  recent: (conversationId: string, throughSeq: number, part: number) => `r:${conversationId}:${throughSeq}:${part}`,
  checkpoint: (partition: number) => `c:${partition}`,
};

/** A record for the snapshots topic; a null value deletes its key (a tombstone). */
export interface SnapshotRecord {
  key: string;
  value: RouterSnapshot | null;
}

/** A snapshot of one recent-messages page set: the parts written for one snapshot. */
export interface ChainPage {
  throughSeq: number;
  parts: number;
  /** The highest sequence the page names (message or deletion): once the window's oldest is above it, the page is dead. */
  maxSeq: number;
}

/** What the snapshots topic holds for one conversation, so that the next snapshot can be incremental. */
export interface Chain {
  /** The lastSeq of the latest snapshot. */
  lastSeq: number;
  recentSince: number;
  memberPages: number;
  /** The chain's live pages, oldest first. */
  pages: ChainPage[];
}

/** What changed in a conversation since its latest snapshot that its lastSeq alone does not show. */
export interface SnapshotChanges {
  membersChanged: boolean;
  /** Messages at or below the latest snapshot's lastSeq that were deleted since. */
  deletedSeqs: number[];
}

/**
 * The records of a new snapshot of `state`. Without a chain (the conversation was never
 * snapshotted, or its snapshots could not be used) the snapshot starts a new chain and writes
 * everything; `staleKeys` (what an older chain left in the topic) are then deleted.
 */
export function snapshotConversation(
  state: ConversationState,
  chain: Chain | undefined,
  changes: SnapshotChanges | undefined,
  staleKeys: readonly string[] = [],
): { records: SnapshotRecord[]; chain: Chain } {
  const id = state.conversationId;
  const records: SnapshotRecord[] = staleKeys.map((key) => ({ key, value: null }));
  const base = chain === undefined;
  const recentSince = chain?.recentSince ?? state.lastSeq;

  let memberPages = chain?.memberPages ?? 0;
  if (base || changes?.membersChanged) {
    const members = [...state.members].map(([userId, fromSeq]) => ({ userId, fromSeq }));
    const pages = Math.max(1, Math.ceil(members.length / MEMBERS_PER_PAGE));
    for (let page = 0; page < pages; page++) {
      const slice = members.slice(page * MEMBERS_PER_PAGE, (page + 1) * MEMBERS_PER_PAGE);
      records.push({ key: snapshotKeys.members(id, page), value: { body: { type: 'MemberPage', conversationId: id, page, members: slice } } });
    }
    for (let page = pages; page < memberPages; page++) records.push({ key: snapshotKeys.members(id, page), value: null });
    memberPages = pages;
  }

  const pages = [...(chain?.pages ?? [])];
  const added = state.recent.newerThan(chain?.lastSeq ?? 0).map(toSnapshotMessage);
  const deletedSeqs = (changes?.deletedSeqs ?? []).filter((seq) => state.recent.bySequence(seq)?.deleted === true);
  if (added.length > 0 || deletedSeqs.length > 0) {
    const parts = Math.max(Math.ceil(added.length / MESSAGES_PER_PAGE), Math.ceil(deletedSeqs.length / DELETED_SEQS_PER_PAGE));
    for (let part = 0; part < parts; part++) {
      const body: RecentPage = {
        type: 'RecentPage',
        conversationId: id,
        throughSeq: state.lastSeq,
        part,
        messages: added.slice(part * MESSAGES_PER_PAGE, (part + 1) * MESSAGES_PER_PAGE),
        deletedSeqs: deletedSeqs.slice(part * DELETED_SEQS_PER_PAGE, (part + 1) * DELETED_SEQS_PER_PAGE),
      };
      records.push({ key: snapshotKeys.recent(id, state.lastSeq, part), value: { body } });
    }
    const maxSeq = highest(added.at(-1)?.seq ?? 0, deletedSeqs);
    pages.push({ throughSeq: state.lastSeq, parts, maxSeq });
  }
  // Pages whose every message left the window (a deletion always names an older message).
  const oldest = state.recent.oldestSeq() ?? Number.POSITIVE_INFINITY;
  while (pages.length > 0 && pages[0]!.maxSeq < oldest && pages[0]!.throughSeq !== state.lastSeq) {
    const dead = pages.shift()!;
    for (let part = 0; part < dead.parts; part++) records.push({ key: snapshotKeys.recent(id, dead.throughSeq, part), value: null });
  }

  const head: ConversationHead = {
    type: 'ConversationHead',
    conversationId: id,
    kind: state.kind,
    name: state.name,
    createdBy: state.createdBy,
    lastSeq: state.lastSeq,
    recentCapacity: state.recent.capacity,
    memberPages,
    recentSince,
  };
  records.push({ key: snapshotKeys.head(id), value: { body: head } });
  return { records, chain: { lastSeq: state.lastSeq, recentSince, memberPages, pages } };
}

function highest(first: number, more: readonly number[]): number {
  let max = first;
  for (const n of more) if (n > max) max = n;
  return max;
}

function toSnapshotMessage(record: SnapshotMessage): SnapshotMessage {
  return { seq: record.seq, messageId: record.messageId, senderId: record.senderId, clientMsgId: record.clientMsgId, deleted: record.deleted };
}

/** A snapshot that cannot be restored (a page missing, a window too small): the partition is folded from the start instead. */
export class UnusableSnapshotError extends Error {}

/** Everything the snapshots topic holds for one conversation (the latest value of each key). */
export interface StoredConversation {
  head?: ConversationHead;
  memberPages: Map<number, MemberPage>;
  recentPages: RecentPage[];
  keys: string[];
}

/**
 * The state a snapshot describes, for a reader that keeps `capacity` recent messages, with the
 * chain to continue from and the keys of older chains to delete.
 */
export function restoreConversation(stored: StoredConversation, capacity: number): { state: ConversationState; chain: Chain; staleKeys: string[] } {
  const head = stored.head;
  if (!head) throw new UnusableSnapshotError(`pages without a head (${stored.keys[0] ?? '?'})`);
  if (head.recentCapacity < capacity) {
    throw new UnusableSnapshotError(`${head.conversationId} was written by a router that kept ${head.recentCapacity} recent messages; this one keeps ${capacity}`);
  }
  const state = newConversationState(head.conversationId, head.kind, capacity);
  state.name = head.name;
  state.createdBy = head.createdBy;
  state.lastSeq = head.lastSeq;
  const live = new Set<string>([snapshotKeys.head(head.conversationId)]);
  for (let page = 0; page < head.memberPages; page++) {
    const members = stored.memberPages.get(page);
    if (!members) throw new UnusableSnapshotError(`${head.conversationId}: member page ${page} of ${head.memberPages} is missing`);
    for (const m of members.members) state.members.set(m.userId, m.fromSeq);
    live.add(snapshotKeys.members(head.conversationId, page));
  }
  const chainPages = stored.recentPages
    .filter((p) => p.throughSeq >= head.recentSince && p.throughSeq <= head.lastSeq)
    .sort((a, b) => a.throughSeq - b.throughSeq || a.part - b.part);
  const pages: ChainPage[] = [];
  for (const page of chainPages) {
    for (const m of page.messages) state.recent.add({ ...m });
    live.add(snapshotKeys.recent(head.conversationId, page.throughSeq, page.part));
    const maxSeq = highest(page.messages.at(-1)?.seq ?? 0, page.deletedSeqs);
    const last = pages.at(-1);
    if (last?.throughSeq === page.throughSeq) {
      last.parts = Math.max(last.parts, page.part + 1);
      last.maxSeq = Math.max(last.maxSeq, maxSeq);
    } else pages.push({ throughSeq: page.throughSeq, parts: page.part + 1, maxSeq });
  }
  for (const page of chainPages) {
    for (const seq of page.deletedSeqs) {
      const record = state.recent.bySequence(seq);
      if (record) record.deleted = true;
    }
  }
  return {
    state,
    chain: { lastSeq: head.lastSeq, recentSince: head.recentSince, memberPages: head.memberPages, pages },
    staleKeys: stored.keys.filter((key) => !live.has(key)),
  };
}

/** The conversation (or checkpoint partition) a key belongs to. */
export function parseSnapshotKey(key: string): { kind: 'h' | 'm' | 'r'; conversationId: string } | { kind: 'c'; partition: number } | undefined {
  const [kind, id] = key.split(':');
  if (id === undefined) return undefined;
  if (kind === 'c') return { kind, partition: Number(id) };
  if (kind === 'h' || kind === 'm' || kind === 'r') return { kind, conversationId: id };
  return undefined;
}
