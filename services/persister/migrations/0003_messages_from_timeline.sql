-- A message is stored once, in the timeline (persister_events), instead of also in a row of
-- persister_messages written in the same transaction: that second row, with its two indexes, was
-- about a quarter of the projection's cost, and no read route used it. Every column it had is in
-- the timeline (the message_sent payload, its edits and its deletion), so dropping it loses
-- nothing, and persister_messages becomes a view that reads messages as they read now.

DROP TABLE persister_messages;

-- Finds the deletion of a message, as persister_events_edit_target_idx finds its edits.
CREATE INDEX persister_events_delete_target_idx
  ON persister_events (conversation_id, ((payload->>'targetSeq')::bigint))
  WHERE kind = 'message_deleted';

-- Messages as they read now: the first deletion leaves a tombstone (deleted_at, body null); the
-- edits before it replace the body, the last one winning, and are counted; edits after it do not
-- count, as they changed nothing.
CREATE VIEW persister_messages AS
SELECT m.conversation_id,
       m.seq,
       m.payload->>'messageId' AS message_id,
       m.actor_id AS sender_id,
       m.payload->>'clientMsgId' AS client_msg_id,
       CASE WHEN deletion.deleted_at IS NULL THEN COALESCE(last_edit.body, m.payload->>'body') END AS body,
       m.payload->>'contentType' AS content_type,
       m.occurred_at AS sent_at,
       last_edit.edited_at,
       COALESCE(edits.edit_count, 0) AS edit_count,
       deletion.deleted_at
  FROM persister_events m
  LEFT JOIN LATERAL (
    SELECT d.seq, d.occurred_at AS deleted_at
      FROM persister_events d
     WHERE d.conversation_id = m.conversation_id AND d.kind = 'message_deleted'
       AND (d.payload->>'targetSeq')::bigint = m.seq
     ORDER BY d.seq
     LIMIT 1
  ) deletion ON true
  LEFT JOIN LATERAL (
    SELECT count(*)::int AS edit_count
      FROM persister_events e
     WHERE e.conversation_id = m.conversation_id AND e.kind = 'message_edited'
       AND (e.payload->>'targetSeq')::bigint = m.seq
       AND (deletion.seq IS NULL OR e.seq < deletion.seq)
  ) edits ON true
  LEFT JOIN LATERAL (
    SELECT e.payload->>'body' AS body, e.occurred_at AS edited_at
      FROM persister_events e
     WHERE e.conversation_id = m.conversation_id AND e.kind = 'message_edited'
       AND (e.payload->>'targetSeq')::bigint = m.seq
       AND (deletion.seq IS NULL OR e.seq < deletion.seq)
     ORDER BY e.seq DESC
     LIMIT 1
  ) last_edit ON true
 WHERE m.kind = 'message';
