import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { int4Array, int8Array, jsonbArray, textArray, timestamptzArray } from './binaryArrays';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard';

test('Postgres reads the binary arrays back as the values written', async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const texts = ['plain', '', 'quote " and \\ backslash, {braces}', 'é€😀', null, 'NULL'];
    const bigints = [0, -1, 2 ** 53 - 1, -(2 ** 40), null];
    const ints = [0, -2_147_483_648, 2_147_483_647];
    const times = [Date.UTC(2026, 10, 24, 12, 0, 0, 123), 0, Date.UTC(1999, 11, 31, 23, 59, 59, 999)];
    const json = [JSON.stringify({ body: 'hé "x"', n: 1, nested: { list: [1, null] } }), '[]'];
    const { rows } = await client.query<{ t: (string | null)[]; b: (string | null)[]; i: number[]; ms: string[]; j: unknown[]; n: number }>(
      `SELECT $1::text[] AS t, $2::bigint[]::text[] AS b, $3::int[] AS i,
              ARRAY(SELECT (extract(epoch FROM x) * 1000)::bigint::text FROM unnest($4::timestamptz[]) AS x) AS ms,
              $5::jsonb[]::text[] AS j, cardinality($6::text[]) AS n`,
      [textArray(texts), int8Array(bigints), int4Array(ints), timestamptzArray(times), jsonbArray(json), textArray([])],
    );
    const row = rows[0]!;
    assert.deepEqual(row.t, texts);
    assert.deepEqual(row.b, bigints.map((v) => (v === null ? null : String(v))));
    assert.deepEqual(row.i, ints);
    assert.deepEqual(row.ms, times.map(String));
    assert.deepEqual((row.j as string[]).map((text) => JSON.parse(text)), json.map((text) => JSON.parse(text)));
    assert.equal(row.n, 0);
  } finally {
    await client.end();
  }
});

test('Postgres refuses an array whose element type is not the one the statement names', async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await assert.rejects(client.query('SELECT $1::bigint[] AS b', [textArray(['1'])]), /array element type 25 \(text\) instead of expected 20 \(bigint\)/);
  } finally {
    await client.end();
  }
});
