import type { ConversationChange } from '../../types/projection';
import { int8Array, textArray, timestamptzArray } from '../binaryArrays';
import type { Queryable } from '../queryable';

/*
 * persister_conversations: one row per conversation with its kind, group name and the highest
 * projected seq. last_seq only grows, so replaying old events cannot move it back.
 */

export interface ConversationInfo {
  conversationId: string;
  kind: 'direct' | 'group';
  name: string | null;
  lastSeq: number;
}

export async function upsertConversations(db: Queryable, changes: readonly ConversationChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `INSERT INTO persister_conversations AS c (conversation_id, kind, name, last_seq, created_at, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::timestamptz[])
     ON CONFLICT (conversation_id) DO UPDATE SET
       name = COALESCE(EXCLUDED.name, c.name),
       last_seq = GREATEST(c.last_seq, EXCLUDED.last_seq),
       updated_at = GREATEST(c.updated_at, EXCLUDED.updated_at)`,
    [
      textArray(changes.map((c) => c.conversationId)),
      textArray(changes.map((c) => c.kind)),
      textArray(changes.map((c) => c.name)),
      int8Array(changes.map((c) => c.lastSeq)),
      timestamptzArray(changes.map((c) => c.firstAt)),
      timestamptzArray(changes.map((c) => c.lastAt)),
    ],
  );
}

export async function selectConversation(db: Queryable, conversationId: string): Promise<ConversationInfo | undefined> {
  const result = await db.query<{ kind: 'direct' | 'group'; name: string | null; last_seq: string }>(
    'SELECT kind, name, last_seq FROM persister_conversations WHERE conversation_id = $1',
    [conversationId],
  );
  const row = result.rows[0];
  return row && { conversationId, kind: row.kind, name: row.name, lastSeq: Number(row.last_seq) };
}
