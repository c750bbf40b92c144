import type { MessageDeletion, MessageEdit, MessageRow } from '../../types/projection';
import { int4Array, int8Array, textArray, timestamptzArray } from '../binaryArrays';
import type { Queryable } from '../queryable';

/*
 * persister_messages: each message as it reads now. An edit replaces the body; a deletion leaves a
 * tombstone (deleted_at set, body null) that later edits do not touch.
 */

export async function insertMessages(db: Queryable, rows: readonly MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  // No conflict target: a repeated (conversation, seq) and a repeated client message id are both skipped.
  await db.query(
    `INSERT INTO persister_messages (conversation_id, seq, message_id, sender_id, client_msg_id, body, content_type, sent_at)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
     ON CONFLICT DO NOTHING`,
    [
      textArray(rows.map((r) => r.conversationId)),
      int8Array(rows.map((r) => r.seq)),
      textArray(rows.map((r) => r.messageId)),
      textArray(rows.map((r) => r.senderId)),
      textArray(rows.map((r) => r.clientMsgId)),
      textArray(rows.map((r) => r.body)),
      textArray(rows.map((r) => r.contentType)),
      timestamptzArray(rows.map((r) => r.sentAt)),
    ],
  );
}

export async function applyEdits(db: Queryable, edits: readonly MessageEdit[]): Promise<void> {
  if (edits.length === 0) return;
  await db.query(
    `UPDATE persister_messages m
        SET body = u.body, edited_at = u.edited_at, edit_count = m.edit_count + u.edits
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::int[]) AS u(conversation_id, target_seq, body, edited_at, edits)
      WHERE m.conversation_id = u.conversation_id AND m.seq = u.target_seq AND m.deleted_at IS NULL`,
    [
      textArray(edits.map((e) => e.conversationId)),
      int8Array(edits.map((e) => e.targetSeq)),
      textArray(edits.map((e) => e.body)),
      timestamptzArray(edits.map((e) => e.editedAt)),
      int4Array(edits.map((e) => e.count)),
    ],
  );
}

export async function applyDeletions(db: Queryable, deletions: readonly MessageDeletion[]): Promise<void> {
  if (deletions.length === 0) return;
  await db.query(
    `UPDATE persister_messages m SET body = NULL, deleted_at = d.deleted_at
       FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS d(conversation_id, target_seq, deleted_at)
      WHERE m.conversation_id = d.conversation_id AND m.seq = d.target_seq AND m.deleted_at IS NULL`,
    [textArray(deletions.map((d) => d.conversationId)), int8Array(deletions.map((d) => d.targetSeq)), timestamptzArray(deletions.map((d) => d.deletedAt))],
  );
}
