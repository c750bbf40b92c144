import type pg from 'pg';
import type { Event } from '@switchboard/schemas';
import { planEffects } from '../internal/planEffects';
import { planTimeline, selectUnprojected, timelineKey } from '../internal/planTimeline';
import type { PartitionOffset } from '../types/projection';
import type { PersisterStorage, ProjectionResult } from './interface';
import { selectConversation, upsertConversations } from './tables/conversations';
import { eraseDeletedText, insertTimeline, selectTimelineAfter, selectTimelineBefore, selectTimelineWindows } from './tables/events';
import { applyMembershipChanges, selectConversationsAhead, selectMembership } from './tables/members';
import { advanceOffsets, selectNextOffset, selectNextOffsets } from './tables/offsets';
import { advanceCursors, selectReadPositions } from './tables/readCursors';

/** The persister's storage over a Postgres pool: the projection's writes and the API's reads. */
export function createPostgresStorage(pool: pg.Pool): PersisterStorage {
  return {
    async projectRound(events, offsets) {
      return inTransaction(pool, (client) => projectInto(client, events, offsets));
    },
    nextOffset: (topic, partition) => selectNextOffset(pool, topic, partition),
    nextOffsets: (topic) => selectNextOffsets(pool, topic),
    conversation: (conversationId) => selectConversation(pool, conversationId),
    membership: (conversationId, userId) => selectMembership(pool, conversationId, userId),
    eventsAfter: (conversationId, afterSeq, limit) => selectTimelineAfter(pool, conversationId, afterSeq, limit),
    eventsBefore: (conversationId, beforeSeq, fromSeq, limit) => selectTimelineBefore(pool, conversationId, beforeSeq, fromSeq, limit),
    conversationsAhead: (userId, cursors) => selectConversationsAhead(pool, userId, cursors),
    eventWindows: (windows) => selectTimelineWindows(pool, windows),
    readPositions: (conversationIds) => selectReadPositions(pool, conversationIds),
    async ping(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([pool.query('SELECT 1'), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The timeline goes first: its insert reports which events are new, and only those have their
 * effects applied, so a replayed or repeated event changes nothing. A message is stored once, in
 * its timeline row: persister_messages is a view over the timeline (migration 0003). The offsets go last, in the
 * same transaction, so the stored position always matches the stored rows.
 */
async function projectInto(client: pg.PoolClient, events: readonly Event[], offsets: readonly PartitionOffset[]): Promise<ProjectionResult> {
  const timeline = planTimeline(events);
  const inserted = await insertTimeline(client, timeline);
  const pending = selectUnprojected(events, new Set(inserted.map((row) => timelineKey(row.conversationId, row.seq))));
  const effects = planEffects(pending);
  await upsertConversations(client, effects.conversations);
  await applyMembershipChanges(client, effects.memberships);
  await eraseDeletedText(client, effects.deletions);
  await advanceCursors(client, effects.cursors);
  // Sorted, so two writers of overlapping rounds (a partition's previous owner finishing late) lock the rows in the same order.
  await advanceOffsets(client, [...offsets].sort(byTopicAndPartition));
  return {
    stored: inserted.length,
    duplicates: events.filter((e) => e.seq !== null).length - inserted.length,
    receipts: pending.length - inserted.length,
    lastSeqs: new Map(effects.conversations.map((c) => [c.conversationId, c.lastSeq])),
  };
}

function byTopicAndPartition(a: PartitionOffset, b: PartitionOffset): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for errors only on idle connections. A checked-out one that breaks between
  // two queries (the server restarts) emits 'error', which without a listener ends the process;
  // the query in flight, or the next one, fails on its own and the round is retried.
  const onError = (err: Error) => void (broken = err);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is not given back to the pool.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}
