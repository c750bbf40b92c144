import type { ClientEvent } from '@switchboard/protocol';
import type { TimelineRow } from '../../types/projection';
import { int8Array, jsonbArray, textArray, timestamptzArray } from '../binaryArrays';
import type { Queryable } from '../queryable';

/*
 * persister_events: the timeline of every conversation, one row per sequenced event, with the
 * event as clients see it in `payload`. Rows are written once and never move; a deletion only
 * erases message text from them.
 */

/**
 * Inserts the rows that are not stored yet and returns the (conversation, seq) pairs it inserted.
 * A pair already present, from an earlier round or another writer, is left untouched.
 */
export async function insertTimeline(db: Queryable, rows: readonly TimelineRow[]): Promise<{ conversationId: string; seq: number }[]> {
  if (rows.length === 0) return [];
  const result = await db.query<{ conversation_id: string; seq: string }>(
    `INSERT INTO persister_events (conversation_id, seq, kind, actor_id, occurred_at, payload)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
     ON CONFLICT (conversation_id, seq) DO NOTHING
     RETURNING conversation_id, seq`,
    [
      textArray(rows.map((r) => r.conversationId)),
      int8Array(rows.map((r) => r.seq)),
      textArray(rows.map((r) => r.kind)),
      textArray(rows.map((r) => r.actorId)),
      timestamptzArray(rows.map((r) => r.occurredAt)),
      jsonbArray(rows.map((r) => JSON.stringify(r.payload))),
    ],
  );
  return result.rows.map((row) => ({ conversationId: row.conversation_id, seq: Number(row.seq) }));
}

/**
 * Removes the text of deleted messages from the timeline: from the message itself and from every
 * edit of it, so replay and history cannot bring deleted content back.
 */
export async function eraseDeletedText(db: Queryable, targets: readonly { conversationId: string; targetSeq: number }[]): Promise<void> {
  if (targets.length === 0) return;
  const values = [textArray(targets.map((t) => t.conversationId)), int8Array(targets.map((t) => t.targetSeq))];
  await db.query(
    `UPDATE persister_events e SET payload = e.payload - 'body'
       FROM unnest($1::text[], $2::bigint[]) AS d(conversation_id, target_seq)
      WHERE e.conversation_id = d.conversation_id AND e.seq = d.target_seq AND e.payload ? 'body'`,
    values,
  );
  await db.query(
    `UPDATE persister_events e SET payload = e.payload - 'body'
       FROM unnest($1::text[], $2::bigint[]) AS d(conversation_id, target_seq)
      WHERE e.conversation_id = d.conversation_id AND e.kind = 'message_edited'
        AND (e.payload->>'targetSeq')::bigint = d.target_seq AND e.payload ? 'body'`,
    values,
  );
}

/** Up to `limit` events with seq > afterSeq, ascending. */
export async function selectTimelineAfter(db: Queryable, conversationId: string, afterSeq: number, limit: number): Promise<ClientEvent[]> {
  const result = await db.query<{ payload: ClientEvent }>(
    `SELECT payload FROM persister_events WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [conversationId, afterSeq, limit],
  );
  return result.rows.map((row) => row.payload);
}

/** The newest `limit` events with fromSeq <= seq < beforeSeq (no upper bound when null), in descending order. */
export async function selectTimelineBefore(
  db: Queryable,
  conversationId: string,
  beforeSeq: number | null,
  fromSeq: number,
  limit: number,
): Promise<ClientEvent[]> {
  const result = await db.query<{ payload: ClientEvent }>(
    `SELECT payload FROM persister_events
      WHERE conversation_id = $1 AND seq >= $2 AND ($3::bigint IS NULL OR seq < $3)
      ORDER BY seq DESC LIMIT $4`,
    [conversationId, fromSeq, beforeSeq, limit],
  );
  return result.rows.map((row) => row.payload);
}

/** For each conversation, up to its own `limit` events after its own seq, ascending; one round trip for all. */
export async function selectTimelineWindows(
  db: Queryable,
  windows: readonly { conversationId: string; afterSeq: number; limit: number }[],
): Promise<Map<string, ClientEvent[]>> {
  const byConversation = new Map<string, ClientEvent[]>(windows.map((w) => [w.conversationId, []]));
  if (windows.length === 0) return byConversation;
  const result = await db.query<{ conversation_id: string; payload: ClientEvent }>(
    `SELECT w.conversation_id, e.payload
       FROM unnest($1::text[], $2::bigint[], $3::int[]) AS w(conversation_id, after_seq, row_limit)
       CROSS JOIN LATERAL (
         SELECT payload, seq FROM persister_events
          WHERE conversation_id = w.conversation_id AND seq > w.after_seq
          ORDER BY seq LIMIT w.row_limit
       ) e
      ORDER BY w.conversation_id, e.seq`,
    [windows.map((w) => w.conversationId), windows.map((w) => w.afterSeq), windows.map((w) => w.limit)],
  );
  for (const row of result.rows) byConversation.get(row.conversation_id)?.push(row.payload);
  return byConversation;
}
