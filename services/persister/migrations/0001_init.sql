-- The persister's projection of the event log. Every table can be rebuilt by replaying the
-- events topic from the start; persister_offsets records how far the projection has read,
-- written in the same transaction as the rows it describes.

CREATE TABLE persister_conversations (
  conversation_id text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('direct', 'group')),
  name            text,
  last_seq        bigint NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);

-- removed_seq is null while the user is a member; a member reads from joined_seq on.
CREATE TABLE persister_members (
  conversation_id text NOT NULL,
  user_id         text NOT NULL,
  joined_seq      bigint NOT NULL,
  removed_seq     bigint,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX persister_members_user_id_idx ON persister_members (user_id);

-- The timeline of each conversation, one row per sequenced event, for replay.
CREATE TABLE persister_events (
  conversation_id text NOT NULL,
  seq             bigint NOT NULL,
  kind            text NOT NULL,
  actor_id        text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  payload         jsonb NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

-- Messages as they read now: edits replace the body, a delete leaves a tombstone (deleted_at, body null).
CREATE TABLE persister_messages (
  conversation_id text NOT NULL,
  seq             bigint NOT NULL,
  message_id      text NOT NULL,
  sender_id       text NOT NULL,
  client_msg_id   text NOT NULL,
  body            text,
  content_type    text NOT NULL,
  sent_at         timestamptz NOT NULL,
  edited_at       timestamptz,
  edit_count      int NOT NULL DEFAULT 0,
  deleted_at      timestamptz,
  PRIMARY KEY (conversation_id, seq),
  CONSTRAINT persister_messages_client_msg_id_key UNIQUE (conversation_id, sender_id, client_msg_id)
);

CREATE TABLE persister_read_cursors (
  conversation_id text NOT NULL,
  user_id         text NOT NULL,
  read_seq        bigint NOT NULL DEFAULT 0,
  delivered_seq   bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);

-- Consumer positions: the next offset to read per partition of the events topic.
CREATE TABLE persister_offsets (
  topic       text NOT NULL,
  partition   int NOT NULL,
  next_offset bigint NOT NULL,
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (topic, partition)
);
