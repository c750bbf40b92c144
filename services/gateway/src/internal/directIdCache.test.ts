import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directConversationId } from '@switchboard/protocol';
import { createDirectIdCache } from './directIdCache';

test('the memo answers what directConversationId answers, either way round, past its size', () => {
  const directId = createDirectIdCache(3);
  const pairs = [['alice', 'bob'], ['bob', 'alice'], ['carol', 'dave'], ['erin', 'frank'], ['gina', 'hal'], ['alice', 'bob'], ['a.b', 'c']] as const;
  for (const [a, b] of pairs) assert.equal(directId(a, b), directConversationId(a, b), `${a} ${b}`);
});
