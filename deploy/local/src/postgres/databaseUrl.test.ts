import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseTarget } from './databaseUrl';

test('splits a local URL into server and database', () => {
  const target = databaseTarget('postgres://postgres@127.0.0.1:5432/switchboard');
  assert.equal(target.host, '127.0.0.1');
  assert.equal(target.port, 5432);
  assert.equal(target.database, 'switchboard');
  assert.equal(target.user, 'postgres');
  assert.equal(target.hasPassword, false);
  assert.equal(target.isLocal, true);
  assert.equal(target.serverUrl, 'postgres://postgres@127.0.0.1:5432/postgres');
  assert.equal(target.display, '127.0.0.1:5432/switchboard');
});

test('defaults the port, keeps credentials out of the display, and knows a remote host', () => {
  const target = databaseTarget('postgresql://app:secret@db.example.com/chat?sslmode=require');
  assert.equal(target.port, 5432);
  assert.equal(target.hasPassword, true);
  assert.equal(target.isLocal, false);
  assert.equal(target.display, 'db.example.com:5432/chat');
  assert.equal(target.serverUrl, 'postgresql://app:secret@db.example.com/postgres?sslmode=require');
});

test('a URL without a database is refused', () => {
  assert.throws(() => databaseTarget('postgres://postgres@localhost:5432/'), /must name a database/);
});
