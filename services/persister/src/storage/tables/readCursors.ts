import type { CursorChange } from '../../types/projection';
import { int8Array, textArray, timestamptzArray } from '../binaryArrays';
import type { Queryable } from '../queryable';

/*
 * persister_read_cursors: how far each member has read and received each conversation. Both
 * positions only move forward, so receipts can be applied again or out of order safely; a
 * receipt that moves neither leaves the row (and its updated_at) untouched.
 */

export async function advanceCursors(db: Queryable, changes: readonly CursorChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `INSERT INTO persister_read_cursors AS r (conversation_id, user_id, read_seq, delivered_seq, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::timestamptz[])
     ON CONFLICT (conversation_id, user_id) DO UPDATE SET
       read_seq = GREATEST(r.read_seq, EXCLUDED.read_seq),
       delivered_seq = GREATEST(r.delivered_seq, EXCLUDED.delivered_seq),
       updated_at = GREATEST(r.updated_at, EXCLUDED.updated_at)
     WHERE EXCLUDED.read_seq > r.read_seq OR EXCLUDED.delivered_seq > r.delivered_seq`,
    [
      textArray(changes.map((c) => c.conversationId)),
      textArray(changes.map((c) => c.userId)),
      int8Array(changes.map((c) => c.readSeq)),
      int8Array(changes.map((c) => c.deliveredSeq)),
      timestamptzArray(changes.map((c) => c.at)),
    ],
  );
}

/** Per conversation, each member's read position, for members who have read anything. */
export async function selectReadPositions(db: Queryable, conversationIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const positions = new Map<string, Record<string, number>>(conversationIds.map((id) => [id, {}]));
  if (conversationIds.length === 0) return positions;
  const result = await db.query<{ conversation_id: string; user_id: string; read_seq: string }>(
    `SELECT conversation_id, user_id, read_seq FROM persister_read_cursors
      WHERE conversation_id = ANY($1::text[]) AND read_seq > 0`,
    [conversationIds],
  );
  for (const row of result.rows) {
    const perUser = positions.get(row.conversation_id);
    if (perUser) perUser[row.user_id] = Number(row.read_seq);
  }
  return positions;
}
