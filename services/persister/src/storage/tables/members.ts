import type { MembershipChange } from '../../types/projection';
import type { ConversationInfo } from './conversations';
import { int8Array, textArray } from '../binaryArrays';
import type { Queryable } from '../queryable';

/*
 * persister_members: who belongs to each conversation and from which seq they read. A removed
 * member keeps the row with removed_seq set. Each change carries the seq of the event behind it
 * (the larger of joined_seq and removed_seq) and is applied only if that is past the row's, so
 * replaying an older event never undoes a newer one.
 */

export interface Membership {
  joinedSeq: number;
  removedSeq: number | null;
}

/** A conversation a user belongs to, with the seq the user reads it from. */
export interface MemberConversation extends ConversationInfo {
  joinedSeq: number;
}

export async function applyMembershipChanges(db: Queryable, changes: readonly MembershipChange[]): Promise<void> {
  const joins = changes.filter((c): c is MembershipChange & { joinedSeq: number } => c.joinedSeq !== null);
  const removals = changes.filter((c): c is MembershipChange & { removedSeq: number } => c.joinedSeq === null && c.removedSeq !== null);
  if (joins.length > 0) {
    await db.query(
      `INSERT INTO persister_members AS m (conversation_id, user_id, joined_seq, removed_seq)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
       ON CONFLICT (conversation_id, user_id) DO UPDATE SET joined_seq = EXCLUDED.joined_seq, removed_seq = EXCLUDED.removed_seq
        WHERE GREATEST(EXCLUDED.joined_seq, COALESCE(EXCLUDED.removed_seq, 0)) > GREATEST(m.joined_seq, COALESCE(m.removed_seq, 0))`,
      [
        textArray(joins.map((c) => c.conversationId)),
        textArray(joins.map((c) => c.userId)),
        int8Array(joins.map((c) => c.joinedSeq)),
        int8Array(joins.map((c) => c.removedSeq)),
      ],
    );
  }
  if (removals.length > 0) {
    await db.query(
      `UPDATE persister_members m SET removed_seq = r.removed_seq
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS r(conversation_id, user_id, removed_seq)
        WHERE m.conversation_id = r.conversation_id AND m.user_id = r.user_id
          AND r.removed_seq > GREATEST(m.joined_seq, COALESCE(m.removed_seq, 0))`,
      [textArray(removals.map((c) => c.conversationId)), textArray(removals.map((c) => c.userId)), int8Array(removals.map((c) => c.removedSeq))],
    );
  }
}

export async function selectMembership(db: Queryable, conversationId: string, userId: string): Promise<Membership | undefined> {
  const result = await db.query<{ joined_seq: string; removed_seq: string | null }>(
    'SELECT joined_seq, removed_seq FROM persister_members WHERE conversation_id = $1 AND user_id = $2',
    [conversationId, userId],
  );
  const row = result.rows[0];
  return row && { joinedSeq: Number(row.joined_seq), removedSeq: row.removed_seq === null ? null : Number(row.removed_seq) };
}

/**
 * The conversations the user is a current member of whose last seq is past the user's cursor
 * for it (0 for a conversation without a cursor).
 */
export async function selectConversationsAhead(
  db: Queryable,
  userId: string,
  cursors: ReadonlyMap<string, number>,
): Promise<MemberConversation[]> {
  const result = await db.query<{ conversation_id: string; kind: 'direct' | 'group'; name: string | null; last_seq: string; joined_seq: string }>(
    `SELECT c.conversation_id, c.kind, c.name, c.last_seq, m.joined_seq
       FROM persister_members m
       JOIN persister_conversations c ON c.conversation_id = m.conversation_id
       LEFT JOIN unnest($2::text[], $3::bigint[]) AS k(conversation_id, seq) ON k.conversation_id = m.conversation_id
      WHERE m.user_id = $1 AND m.removed_seq IS NULL AND c.last_seq > COALESCE(k.seq, 0)
      ORDER BY c.conversation_id`,
    [userId, [...cursors.keys()], [...cursors.values()]],
  );
  return result.rows.map((row) => ({
    conversationId: row.conversation_id,
    kind: row.kind,
    name: row.name,
    lastSeq: Number(row.last_seq),
    joinedSeq: Number(row.joined_seq),
  }));
}
