import { Client } from 'pg';
import { sleep } from './edgeOutcomes';

/** Counts of what Postgres holds from some users, or containing a marker string. */
export interface Traces {
  events: number;
  messages: number;
  members: number;
  cursors: number;
  conversations: number;
}

/**
 * Rows that `authors` wrote (events, messages, read cursors), memberships of `members`, and any
 * event, message or conversation name that contains `marker`.
 */
export async function tracesIn(databaseUrl: string, authors: string[], members: string[], marker: string): Promise<Traces> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT (SELECT count(*) FROM persister_events WHERE actor_id = ANY($1) OR payload::text LIKE $3)::int AS events,
              (SELECT count(*) FROM persister_messages WHERE sender_id = ANY($1) OR body LIKE $3)::int AS messages,
              (SELECT count(*) FROM persister_members WHERE user_id = ANY($2))::int AS members,
              (SELECT count(*) FROM persister_read_cursors WHERE user_id = ANY($1))::int AS cursors,
              (SELECT count(*) FROM persister_conversations WHERE name LIKE $3)::int AS conversations`,
      [authors, members, `%${marker}%`],
    );
    return rows[0] as Traces;
  } finally {
    await db.end();
  }
}

/** Waits until a message is in Postgres: the persister is live and has caught up to it. */
export async function messagePersisted(databaseUrl: string, conversationId: string, clientMsgId: string | undefined, timeoutMs = 30_000): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
      const { rowCount } = await db.query('SELECT 1 FROM persister_messages WHERE conversation_id = $1 AND client_msg_id = $2', [conversationId, clientMsgId]);
      if (rowCount) return;
      if (Date.now() > deadline) throw new Error(`message ${clientMsgId} of ${conversationId} never reached Postgres`);
    }
  } finally {
    await db.end();
  }
}
