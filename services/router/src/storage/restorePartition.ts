import { decodeEvent, decodeRouterSnapshot, type Codec, type SnapshotCheckpoint } from '@switchboard/schemas';
import type { PartitionReader } from '@switchboard/kafka';
import { applyEvent, type ConversationState } from '../internal/conversationState';
import { parseSnapshotKey, restoreConversation, UnusableSnapshotError, type Chain, type StoredConversation } from '../internal/conversationSnapshot';
import type { SnapshotBook } from '../internal/snapshotBook';

export interface OffsetRange {
  low: number;
  high: number;
}

export interface RestoreDeps {
  codec: Codec;
  eventsReader: PartitionReader;
  eventsTopic: string;
  /** Absent when snapshots are off: the partition is folded from its first event. */
  snapshotsReader?: PartitionReader;
  clusterId: string;
  recentCapacity: number;
}

export interface RestoredPartition {
  states: Map<string, ConversationState>;
  /** Where the fold of the events started: the checkpoint, or the partition's first offset. */
  foldedFrom: number;
  events: number;
  snapshotRecords: number;
  /** Why the snapshots were not used, when they were not. */
  fullFoldReason?: string;
}

/** A stored position that does not belong to this log: refused, never skipped. */
export class ForeignCheckpointError extends Error {}

/**
 * Restores the state of one partition's conversations: the latest snapshots, then the events
 * after the partition's checkpoint, each folded with `applyEvent` unless the snapshot already
 * includes it (its seq is at most the snapshot's lastSeq; receipts, without a seq, change no
 * state). Without a usable snapshot every event is folded, from the partition's first. Either way
 * the result is the fold of the whole log. `book` (when snapshots are on) learns what the
 * snapshots topic holds and which conversations the tail changed.
 */
export async function restorePartition(
  deps: RestoreDeps,
  partition: number,
  ranges: { events: OffsetRange; snapshots?: OffsetRange },
  book?: SnapshotBook,
): Promise<RestoredPartition> {
  const states = new Map<string, ConversationState>();
  const chains = new Map<string, Chain>();
  const stale = new Map<string, string[]>();
  let foldedFrom = ranges.events.low;
  let snapshotRecords = 0;
  let fullFoldReason: string | undefined;

  if (deps.snapshotsReader && ranges.snapshots) {
    const stored = await readSnapshots(deps, partition, ranges.snapshots);
    snapshotRecords = stored.records;
    const checkpoint = stored.checkpoint;
    if (checkpoint) checkCheckpoint(deps, partition, checkpoint, ranges.events);
    try {
      if (stored.problem) throw new UnusableSnapshotError(stored.problem);
      if (!checkpoint) throw new UnusableSnapshotError(stored.conversations.size > 0 ? 'snapshots without a checkpoint' : 'no snapshot yet');
      for (const [id, conversation] of stored.conversations) {
        const restored = restoreConversation(conversation, deps.recentCapacity);
        states.set(id, restored.state);
        chains.set(id, restored.chain);
        if (restored.staleKeys.length > 0) stale.set(id, restored.staleKeys);
      }
      foldedFrom = checkpoint.eventsOffset;
    } catch (err) {
      if (!(err instanceof UnusableSnapshotError)) throw err;
      fullFoldReason = err.message;
      states.clear();
      chains.clear();
      stale.clear();
      // A new chain replaces whatever the topic holds for each conversation.
      for (const [id, conversation] of stored.conversations) stale.set(id, conversation.keys);
    }
  } else fullFoldReason = 'snapshots are off';

  book?.open(partition, foldedFrom, chains, stale);
  let events = 0;
  await deps.eventsReader.read({ partition, from: foldedFrom, to: ranges.events.high }, (message) => {
    if (!message.value) return;
    const event = decodeEvent(deps.codec, message.value);
    const state = states.get(event.conversationId);
    if (state && event.seq !== null && event.seq <= state.lastSeq) return;
    states.set(event.conversationId, applyEvent(state, event, deps.recentCapacity));
    book?.noteEvent(partition, event);
    events += 1;
  });
  book?.eventsWritten(partition, ranges.events.high);
  return { states, foldedFrom, events, snapshotRecords, ...(fullFoldReason ? { fullFoldReason } : {}) };
}

function checkCheckpoint(deps: RestoreDeps, partition: number, checkpoint: SnapshotCheckpoint, events: OffsetRange): void {
  const where = `the snapshot checkpoint of partition ${partition} (offset ${checkpoint.eventsOffset} of ${checkpoint.eventsTopic} in cluster ${checkpoint.clusterId})`;
  if (checkpoint.clusterId !== deps.clusterId) throw new ForeignCheckpointError(`${where} belongs to another Kafka cluster than ${deps.clusterId}; delete the snapshots topic to fold the events from the start`);
  if (checkpoint.eventsTopic !== deps.eventsTopic || checkpoint.partition !== partition) {
    throw new ForeignCheckpointError(`${where} belongs to another topic or partition than ${deps.eventsTopic} partition ${partition}`);
  }
  if (checkpoint.eventsOffset > events.high) throw new ForeignCheckpointError(`${where} is beyond the end of the events (${events.high})`);
  if (checkpoint.eventsOffset < events.low) throw new ForeignCheckpointError(`${where} is before the first event still stored (${events.low}): the events it needs are gone`);
}

interface StoredPartition {
  checkpoint?: SnapshotCheckpoint;
  /** A record that cannot be read: the snapshots of the partition are not used. */
  problem?: string;
  conversations: Map<string, StoredConversation>;
  records: number;
}

/** The latest value of every key of one snapshots partition, decoded and grouped by conversation. */
async function readSnapshots(deps: RestoreDeps, partition: number, range: OffsetRange): Promise<StoredPartition> {
  const latest = new Map<string, Buffer>();
  let records = 0;
  await deps.snapshotsReader!.read({ partition, from: range.low, to: range.high }, (message) => {
    records += 1;
    const key = message.key?.toString();
    if (key === undefined) return;
    if (message.value) latest.set(key, message.value);
    else latest.delete(key);
  });
  const stored: StoredPartition = { conversations: new Map(), records };
  const conversationOf = (id: string) => {
    let c = stored.conversations.get(id);
    if (!c) stored.conversations.set(id, (c = { memberPages: new Map(), recentPages: [], keys: [] }));
    return c;
  };
  for (const [key, value] of latest) {
    const parsed = parseSnapshotKey(key);
    if (!parsed) continue;
    let body;
    try {
      body = decodeRouterSnapshot(deps.codec, value).body;
    } catch (err) {
      stored.problem ??= `${key} cannot be decoded: ${err instanceof Error ? err.message : String(err)}`;
      continue;
    }
    if (parsed.kind === 'c') {
      if (body.type === 'SnapshotCheckpoint') stored.checkpoint = body;
      continue;
    }
    const conversation = conversationOf(parsed.conversationId);
    conversation.keys.push(key);
    if (body.type === 'ConversationHead') conversation.head = body;
    else if (body.type === 'MemberPage') conversation.memberPages.set(body.page, body);
    else if (body.type === 'RecentPage') conversation.recentPages.push(body);
  }
  return stored;
}
