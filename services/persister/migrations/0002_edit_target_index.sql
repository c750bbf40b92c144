-- Finds the edits of a message when it is deleted, so their text can be erased from the timeline too.
CREATE INDEX persister_events_edit_target_idx
  ON persister_events (conversation_id, ((payload->>'targetSeq')::bigint))
  WHERE kind = 'message_edited';
