import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMigrationList, migrationChecksum, parseMigrationFileName } from './migrationFiles';

test('parses version and name from a migration file name', () => {
  assert.deepEqual(parseMigrationFileName('0001_init.sql'), { version: '0001', name: 'init' });
  assert.deepEqual(parseMigrationFileName('0012_add_reactions.sql'), { version: '0012', name: 'add_reactions' });
  assert.equal(parseMigrationFileName('init.sql'), undefined);
  assert.equal(parseMigrationFileName('001_init.sql'), undefined);
  assert.equal(parseMigrationFileName('0001-Init.sql'), undefined);
});

test('orders migrations by numeric version and ignores files that are not SQL', () => {
  const list = buildMigrationList(['0010_ten.sql', 'README.md', '0002_two.sql', '0001_one.sql'], (f) => `-- ${f}`);
  assert.deepEqual(list.map((m) => m.version), ['0001', '0002', '0010']);
  assert.equal(list[0]?.checksum, migrationChecksum('-- 0001_one.sql'));
});

test('refuses a misnamed SQL file and a duplicated version', () => {
  assert.throws(() => buildMigrationList(['1_x.sql'], () => ''), /1_x\.sql must be named/);
  assert.throws(() => buildMigrationList(['0001_a.sql', '0001_b.sql'], () => ''), /share version 0001/);
});

test('checksum changes with any edit to the text', () => {
  assert.notEqual(migrationChecksum('CREATE TABLE a ();'), migrationChecksum('CREATE TABLE a ( );'));
  assert.match(migrationChecksum(''), /^[0-9a-f]{64}$/);
});
