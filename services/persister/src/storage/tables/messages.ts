import type { MessageDeletion, MessageEdit, MessageRow } from '../../types/projection';
import { fromEpochMs, type Queryable } from '../queryable';

/*
 * persister_messages: each message as it reads now. An edit replaces the body; a deletion leaves a
 * tombstone (deleted_at set, body null) that later edits do not touch.
 */

export async function insertMessages(db: Queryable, rows: readonly MessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  // No conflict target: a repeated (conversation, seq) and a repeated client message id are both skipped.
  await db.query(
    `INSERT INTO persister_messages (conversation_id, seq, message_id, sender_id, client_msg_id, body, content_type, sent_at)
     SELECT m.conversation_id, m.seq, m.message_id, m.sender_id, m.client_msg_id, m.body, m.content_type, ${fromEpochMs('m.sent_ms')}
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])
            AS m(conversation_id, seq, message_id, sender_id, client_msg_id, body, content_type, sent_ms)
     ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.conversationId),
      rows.map((r) => r.seq),
      rows.map((r) => r.messageId),
      rows.map((r) => r.senderId),
      rows.map((r) => r.clientMsgId),
      rows.map((r) => r.body),
      rows.map((r) => r.contentType),
      rows.map((r) => r.sentAt),
    ],
  );
}

export async function applyEdits(db: Queryable, edits: readonly MessageEdit[]): Promise<void> {
  if (edits.length === 0) return;
  await db.query(
    `UPDATE persister_messages m
        SET body = u.body, edited_at = ${fromEpochMs('u.edited_ms')}, edit_count = m.edit_count + u.edits
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::float8[], $5::int[]) AS u(conversation_id, target_seq, body, edited_ms, edits)
      WHERE m.conversation_id = u.conversation_id AND m.seq = u.target_seq AND m.deleted_at IS NULL`,
    [edits.map((e) => e.conversationId), edits.map((e) => e.targetSeq), edits.map((e) => e.body), edits.map((e) => e.editedAt), edits.map((e) => e.count)],
  );
}

export async function applyDeletions(db: Queryable, deletions: readonly MessageDeletion[]): Promise<void> {
  if (deletions.length === 0) return;
  await db.query(
    `UPDATE persister_messages m SET body = NULL, deleted_at = ${fromEpochMs('d.deleted_ms')}
       FROM unnest($1::text[], $2::bigint[], $3::float8[]) AS d(conversation_id, target_seq, deleted_ms)
      WHERE m.conversation_id = d.conversation_id AND m.seq = d.target_seq AND m.deleted_at IS NULL`,
    [deletions.map((d) => d.conversationId), deletions.map((d) => d.targetSeq), deletions.map((d) => d.deletedAt)],
  );
}
