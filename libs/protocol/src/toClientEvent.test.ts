import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, EventBody } from '@switchboard/schemas';
import { toClientEvent } from './toClientEvent';

function event(body: EventBody, overrides: Partial<Event> = {}): Event {
  return {
    eventId: 'e-1',
    conversationId: 'grp.0123456789abcdef0123456789abcdef',
    kind: 'GROUP',
    seq: 7,
    occurredAt: 1_700_000_000_123,
    actorId: 'alice',
    origin: { gatewayId: 'gw-1', sessionId: 's-1', userId: 'alice', requestId: 'r-1' },
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    body,
    ...overrides,
  };
}

test('a sent message keeps its ids, body and content type, and drops routing details', () => {
  const sent = { type: 'MessageSent', messageId: 'm-1', clientMsgId: 'c-1', recipientId: 'bob', body: 'hi', contentType: 'text/plain' } as EventBody;
  const client = toClientEvent(event(sent, { kind: 'DIRECT', conversationId: 'dm.0123456789abcdef0123456789abcdef', seq: 1 }));
  assert.deepEqual(client, {
    conversationId: 'dm.0123456789abcdef0123456789abcdef',
    conversationKind: 'direct',
    seq: 1,
    kind: 'message',
    actorId: 'alice',
    at: 1_700_000_000_123,
    messageId: 'm-1',
    clientMsgId: 'c-1',
    body: 'hi',
    contentType: 'text/plain',
  });
});

test('edits and deletes name their target', () => {
  assert.deepEqual(pick(toClientEvent(event({ type: 'MessageEdited', targetSeq: 3, body: 'fixed' }))), {
    kind: 'message_edited',
    targetSeq: 3,
    body: 'fixed',
  });
  assert.deepEqual(pick(toClientEvent(event({ type: 'MessageDeleted', targetSeq: 3 }))), { kind: 'message_deleted', targetSeq: 3 });
});

test('receipts keep their null seq, user and position', () => {
  const read = toClientEvent(event({ type: 'ReadCursorMoved', userId: 'bob', upToSeq: 5 }, { seq: null }));
  assert.equal(read.seq, null);
  assert.deepEqual(pick(read), { kind: 'read', userId: 'bob', upToSeq: 5 });
  const delivered = toClientEvent(event({ type: 'DeliveryAcked', userId: 'bob', upToSeq: 6 }, { seq: null }));
  assert.deepEqual(pick(delivered), { kind: 'delivered', userId: 'bob', upToSeq: 6 });
});

test('a created group carries its name and initial members, the creator always among them', () => {
  const listed = { type: 'GroupCreated', name: 'Team', createdBy: 'alice', members: ['alice', 'bob', 'carol'] } as EventBody;
  const created = toClientEvent(event(listed, { seq: 1 }));
  assert.equal(created.conversationKind, 'group');
  assert.deepEqual(pick(created), { kind: 'group_created', name: 'Team', members: ['alice', 'bob', 'carol'] });

  const creatorLeftOut = { type: 'GroupCreated', name: 'Team', createdBy: 'alice', members: ['bob'] } as EventBody;
  assert.deepEqual(toClientEvent(event(creatorLeftOut)).members, ['bob', 'alice']);
});

test('membership changes name the member', () => {
  assert.deepEqual(pick(toClientEvent(event({ type: 'MemberAdded', userId: 'dave', addedBy: 'alice' }))), { kind: 'member_added', userId: 'dave' });
  assert.deepEqual(pick(toClientEvent(event({ type: 'MemberRemoved', userId: 'dave', removedBy: 'dave' }))), {
    kind: 'member_removed',
    userId: 'dave',
  });
});

test('an unknown body type is refused by name', () => {
  assert.throws(() => toClientEvent(event({ type: 'Renamed' } as unknown as EventBody)), /Renamed/);
});

/** The fields that depend on the body, without those every event shares. */
function pick(client: ReturnType<typeof toClientEvent>): Record<string, unknown> {
  const { conversationId: _c, conversationKind: _k, seq: _s, actorId: _a, at: _t, ...rest } = client;
  return rest;
}
