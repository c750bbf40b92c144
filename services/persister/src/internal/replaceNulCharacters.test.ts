import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replaceNulCharacters } from './replaceNulCharacters';

test('NUL characters anywhere in the value become U+FFFD', () => {
  const value = { body: { type: 'MessageSent', body: 'a\u0000b\u0000' }, members: ['x\u0000'], seq: 3, origin: null };
  assert.deepEqual(replaceNulCharacters(value), { body: { type: 'MessageSent', body: 'a\ufffdb\ufffd' }, members: ['x\ufffd'], seq: 3, origin: null });
});

test('a value without NUL is returned as the same object', () => {
  const value = { body: { text: 'plain' }, list: ['a'] };
  assert.equal(replaceNulCharacters(value), value);
});
