import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planEffects } from './planEffects';
import { DIRECT, GROUP, event, sent } from './testEvents';

test('the first message of a direct conversation makes sender and recipient members from seq 1', () => {
  const effects = planEffects([sent(DIRECT, 1, 'alice', 'hi', 'bob'), sent(DIRECT, 2, 'bob', 'hey', 'alice')]);
  assert.deepEqual(effects.memberships, [
    { conversationId: DIRECT, userId: 'alice', joinedSeq: 1, removedSeq: null },
    { conversationId: DIRECT, userId: 'bob', joinedSeq: 1, removedSeq: null },
  ]);
  assert.deepEqual(effects.conversations, [{ conversationId: DIRECT, kind: 'direct', name: null, lastSeq: 2, firstAt: 1_001, lastAt: 1_002 }]);
});

test('a later direct message adds no membership rows', () => {
  assert.deepEqual(planEffects([sent(DIRECT, 5, 'alice', 'again', 'bob')]).memberships, []);
});

test('group creation names the group and makes every initial member, creator included, a member from seq 1', () => {
  const effects = planEffects([event(GROUP, 1, 'alice', { type: 'GroupCreated', name: 'Team', createdBy: 'alice', members: ['bob', 'carol'] })]);
  assert.equal(effects.conversations[0]?.name, 'Team');
  assert.equal(effects.conversations[0]?.kind, 'group');
  assert.deepEqual(
    effects.memberships.map((m) => [m.userId, m.joinedSeq, m.removedSeq]),
    [
      ['bob', 1, null],
      ['carol', 1, null],
      ['alice', 1, null],
    ],
  );
});

test('membership changes fold in log order: the last change of each member wins', () => {
  const effects = planEffects([
    event(GROUP, 4, 'alice', { type: 'MemberAdded', userId: 'dave', addedBy: 'alice' }),
    event(GROUP, 5, 'alice', { type: 'MemberRemoved', userId: 'dave', removedBy: 'alice' }),
    event(GROUP, 6, 'erin', { type: 'MemberRemoved', userId: 'erin', removedBy: 'erin' }),
    event(GROUP, 7, 'alice', { type: 'MemberAdded', userId: 'frank', addedBy: 'alice' }),
    event(GROUP, 8, 'alice', { type: 'MemberRemoved', userId: 'frank', removedBy: 'alice' }),
    event(GROUP, 9, 'alice', { type: 'MemberAdded', userId: 'frank', addedBy: 'alice' }),
  ]);
  assert.deepEqual(
    effects.memberships.map((m) => [m.userId, m.joinedSeq, m.removedSeq]),
    [
      ['dave', 4, 5],
      ['erin', null, 6],
      ['frank', 9, null],
    ],
  );
  assert.equal(effects.conversations[0]?.lastSeq, 9);
});

test('deletions are kept once per message; edits change nothing besides the timeline', () => {
  const effects = planEffects([
    sent(GROUP, 3, 'alice', 'frist'),
    event(GROUP, 4, 'alice', { type: 'MessageEdited', targetSeq: 3, body: 'first' }, 2_000),
    event(GROUP, 5, 'alice', { type: 'MessageEdited', targetSeq: 3, body: 'first!' }, 3_000),
    event(GROUP, 6, 'alice', { type: 'MessageDeleted', targetSeq: 2 }, 4_000),
    event(GROUP, 7, 'bob', { type: 'MessageDeleted', targetSeq: 2 }, 5_000),
  ]);
  assert.deepEqual(effects.deletions, [{ conversationId: GROUP, targetSeq: 2 }]);
  assert.deepEqual(effects.memberships, []);
  assert.deepEqual(effects.cursors, []);
  assert.deepEqual(effects.conversations.map((c) => c.lastSeq), [7]);
});

test('receipts keep the furthest read and delivered seq per member and touch no conversation', () => {
  const effects = planEffects([
    event(DIRECT, null, 'bob', { type: 'DeliveryAcked', userId: 'bob', upToSeq: 4 }, 10),
    event(DIRECT, null, 'bob', { type: 'ReadCursorMoved', userId: 'bob', upToSeq: 3 }, 11),
    event(DIRECT, null, 'bob', { type: 'ReadCursorMoved', userId: 'bob', upToSeq: 2 }, 12),
    event(DIRECT, null, 'alice', { type: 'ReadCursorMoved', userId: 'alice', upToSeq: 4 }, 9),
  ]);
  assert.deepEqual(effects.cursors, [
    { conversationId: DIRECT, userId: 'bob', readSeq: 3, deliveredSeq: 4, at: 12 },
    { conversationId: DIRECT, userId: 'alice', readSeq: 4, deliveredSeq: 0, at: 9 },
  ]);
  assert.deepEqual(effects.conversations, []);
});
