import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DIRECT, event, sent } from '../internal/testEvents';
import { DEFAULT_MIGRATIONS_DIRECTORY, migrate } from './migrate';
import { createPostgresStorage } from './postgresStorage';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard';
const TOPIC = 'test.events.v1';

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const at = (ms: number) => new Date(ms);

/** persister_messages as the persister before migration 0003 wrote it for the events below. */
const ROWS_BEFORE = [
  [1, 'one', null, 0, null],
  [2, 'two, edited again', 1_005, 2, null],
  [3, null, 1_006, 1, 1_007],
  [8, 'eight', null, 0, null],
] as const;

const EVENTS_BEFORE = [
  sent(DIRECT, 1, 'alice', 'one', 'bob'),
  sent(DIRECT, 2, 'bob', 'two', 'alice'),
  sent(DIRECT, 3, 'alice', 'three', 'bob'),
  event(DIRECT, 4, 'bob', { type: 'MessageEdited', targetSeq: 2, body: 'two, edited' }),
  event(DIRECT, 5, 'bob', { type: 'MessageEdited', targetSeq: 2, body: 'two, edited again' }),
  event(DIRECT, 6, 'alice', { type: 'MessageEdited', targetSeq: 3, body: 'three, edited' }),
  event(DIRECT, 7, 'alice', { type: 'MessageDeleted', targetSeq: 3 }),
  sent(DIRECT, 8, 'bob', 'eight', 'alice'),
];

test('migration 0003 upgrades a database with messages in it: persister_messages reads the same from the timeline, and projection goes on', async () => {
  const database = `sb_test_${randomBytes(5).toString('hex')}`;
  const before = mkdtempSync(join(tmpdir(), 'persister-migrations-'));
  await onServer(`CREATE DATABASE ${database}`);
  const pool = new pg.Pool({ connectionString: databaseUrl(database), max: 4 });
  pool.on('error', () => undefined);
  try {
    for (const file of ['0001_init.sql', '0002_edit_target_index.sql']) copyFileSync(join(DEFAULT_MIGRATIONS_DIRECTORY, file), join(before, file));
    assert.deepEqual((await migrate(pool, { directory: before })).applied, ['0001', '0002']);

    // The timeline as the persister wrote it then (its format did not change), and the messages table beside it.
    const storage = createPostgresStorage(pool);
    await storage.projectRound(EVENTS_BEFORE, [{ topic: TOPIC, partition: 0, nextOffset: EVENTS_BEFORE.length }]);
    for (const [seq, body, editedAt, editCount, deletedAt] of ROWS_BEFORE) {
      await pool.query(
        `INSERT INTO persister_messages (conversation_id, seq, message_id, sender_id, client_msg_id, body, content_type, sent_at, edited_at, edit_count, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'text/plain', $7, $8, $9, $10)`,
        [DIRECT, seq, `m${seq}`, seq === 1 || seq === 3 ? 'alice' : 'bob', `c${seq}`, body, at(1_000 + seq), editedAt && at(editedAt), editCount, deletedAt && at(deletedAt)],
      );
    }
    const messages = async () => (await pool.query('SELECT * FROM persister_messages ORDER BY conversation_id, seq')).rows;
    const stored = await messages();
    assert.equal(stored.length, ROWS_BEFORE.length);

    assert.deepEqual((await migrate(pool)).applied, ['0003']);
    assert.deepEqual(await messages(), stored, 'the view reads what the table held');
    const { rows: kinds } = await pool.query<{ table_type: string }>("SELECT table_type FROM information_schema.tables WHERE table_name = 'persister_messages'");
    assert.deepEqual(kinds, [{ table_type: 'VIEW' }]);

    const after = [
      event(DIRECT, 9, 'alice', { type: 'MessageEdited', targetSeq: 1, body: 'one, edited' }),
      event(DIRECT, 10, 'bob', { type: 'MessageDeleted', targetSeq: 8 }),
      event(DIRECT, 11, 'bob', { type: 'MessageEdited', targetSeq: 8, body: 'after its deletion' }),
      sent(DIRECT, 12, 'bob', 'twelve', 'alice'),
    ];
    const round = await storage.projectRound(after, [{ topic: TOPIC, partition: 0, nextOffset: EVENTS_BEFORE.length + after.length }]);
    assert.equal(round.stored, after.length);
    const expected = [
      { ...stored[0], body: 'one, edited', edited_at: at(1_009), edit_count: 1 },
      stored[1],
      stored[2],
      { ...stored[3], body: null, deleted_at: at(1_010) },
      {
        conversation_id: DIRECT,
        seq: '12',
        message_id: 'm12',
        sender_id: 'bob',
        client_msg_id: 'c12',
        body: 'twelve',
        content_type: 'text/plain',
        sent_at: at(1_012),
        edited_at: null,
        edit_count: 0,
        deleted_at: null,
      },
    ];
    assert.deepEqual(await messages(), expected);
    const { rows: erased } = await pool.query<{ seq: string }>("SELECT seq FROM persister_events WHERE conversation_id = $1 AND payload ? 'body' AND seq IN (8, 11)", [DIRECT]);
    assert.deepEqual(erased, [], 'a deletion erases the text of the message and of its edits, later ones included');

    const replay = await storage.projectRound([...EVENTS_BEFORE, ...after], [{ topic: TOPIC, partition: 0, nextOffset: EVENTS_BEFORE.length + after.length }]);
    assert.equal(replay.stored, 0);
    assert.deepEqual(await messages(), expected, 'a replay changes nothing');
  } finally {
    await pool.end().catch(() => undefined);
    rmSync(before, { recursive: true, force: true });
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
});
