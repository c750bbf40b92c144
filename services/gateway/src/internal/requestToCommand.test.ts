import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directConversationId, parseRequest, type Request } from '@switchboard/protocol';
import { isCommandRequest, requestToCommand, type CommandContext } from './requestToCommand';

const GROUP = `grp.${'a'.repeat(32)}`;
const ctx: CommandContext = {
  gatewayId: 'gw-1',
  sessionId: 'session-1',
  userId: 'alice',
  now: 1_700_000_000_000,
  newCommandId: () => 'command-1',
  newGroupId: () => `grp.${'b'.repeat(32)}`,
};

function parsed(frame: Record<string, unknown>): Request {
  const result = parseRequest(JSON.stringify(frame));
  if (!result.ok) throw new Error(`test frame does not parse: ${result.message}`);
  return result.request;
}

function convert(frame: Record<string, unknown>) {
  const request = parsed(frame);
  assert.ok(isCommandRequest(request), `${request.type} is a command`);
  return requestToCommand(request, ctx);
}

test('every command carries its origin, time, id and no trace', () => {
  const command = convert({ type: 'read', id: 'r1', conversationId: GROUP, seq: 3 });
  assert.equal(command.commandId, 'command-1');
  assert.equal(command.issuedAt, ctx.now);
  assert.deepEqual(command.origin, { gatewayId: 'gw-1', sessionId: 'session-1', userId: 'alice', requestId: 'r1' });
  assert.equal(command.traceparent, null);
});

test('send to a user goes to the direct conversation of both, naming the recipient', () => {
  const command = convert({ type: 'send', id: 1, to: 'bob', clientMsgId: 'c1', body: 'hi' });
  assert.equal(command.conversationId, directConversationId('alice', 'bob'));
  assert.equal(command.conversationId, directConversationId('bob', 'alice'));
  assert.deepEqual(command.body, { type: 'SendMessage', clientMsgId: 'c1', recipientId: 'bob', body: 'hi', contentType: 'text/plain' });
  assert.equal(command.origin.requestId, '1');
});

test('send to a conversation has no recipient', () => {
  const command = convert({ type: 'send', id: 'x', conversationId: GROUP, clientMsgId: 'c2', body: 'yo', contentType: 'text/markdown' });
  assert.equal(command.conversationId, GROUP);
  assert.deepEqual(command.body, { type: 'SendMessage', clientMsgId: 'c2', recipientId: null, body: 'yo', contentType: 'text/markdown' });
});

test('edit, delete, read and delivered keep the conversation and target seq', () => {
  assert.deepEqual(convert({ type: 'edit', id: 'e', conversationId: GROUP, seq: 4, body: 'new' }).body, { type: 'EditMessage', seq: 4, body: 'new' });
  assert.deepEqual(convert({ type: 'delete', id: 'd', conversationId: GROUP, seq: 5 }).body, { type: 'DeleteMessage', seq: 5 });
  assert.deepEqual(convert({ type: 'read', id: 'r', conversationId: GROUP, seq: 6 }).body, { type: 'MarkRead', seq: 6 });
  assert.deepEqual(convert({ type: 'delivered', id: 'a', conversationId: GROUP, seq: 7 }).body, { type: 'AckDelivery', seq: 7 });
  for (const type of ['edit', 'delete', 'read', 'delivered']) {
    const frame = type === 'edit' ? { type, id: 'i', conversationId: GROUP, seq: 1, body: 'b' } : { type, id: 'i', conversationId: GROUP, seq: 1 };
    assert.equal(convert(frame).conversationId, GROUP);
  }
});

test('group.create gets a fresh group id and lists the members', () => {
  const command = convert({ type: 'group.create', id: 'g', name: 'team', members: ['bob', 'carol', 'bob'] });
  assert.equal(command.conversationId, `grp.${'b'.repeat(32)}`);
  assert.deepEqual(command.body, { type: 'CreateGroup', name: 'team', members: ['bob', 'carol'] });
});

test('group.add and group.remove name the user', () => {
  const add = convert({ type: 'group.add', id: 'a', conversationId: GROUP, userId: 'dave' });
  assert.equal(add.conversationId, GROUP);
  assert.deepEqual(add.body, { type: 'AddMember', userId: 'dave' });
  const remove = convert({ type: 'group.remove', id: 'r', conversationId: GROUP, userId: 'dave' });
  assert.deepEqual(remove.body, { type: 'RemoveMember', userId: 'dave' });
});

test('typing keeps the conversation and the flag', () => {
  const command = convert({ type: 'typing', id: 't', conversationId: GROUP, active: false });
  assert.equal(command.conversationId, GROUP);
  assert.deepEqual(command.body, { type: 'Typing', active: false });
});

test('signal goes through the direct conversation with the Avro kind', () => {
  const kinds = { offer: 'OFFER', answer: 'ANSWER', ice_candidate: 'ICE_CANDIDATE', hangup: 'HANGUP' } as const;
  for (const [kind, avroKind] of Object.entries(kinds)) {
    const command = convert({ type: 'signal', id: 's', to: 'bob', kind, payload: '{"sdp":"x"}' });
    assert.equal(command.conversationId, directConversationId('alice', 'bob'));
    assert.deepEqual(command.body, { type: 'Signal', toUserId: 'bob', kind: avroKind, payload: '{"sdp":"x"}' });
  }
});

test('sync, history and ping are not commands', () => {
  assert.equal(isCommandRequest(parsed({ type: 'sync', id: 's', cursors: {} })), false);
  assert.equal(isCommandRequest(parsed({ type: 'history', id: 'h', conversationId: GROUP })), false);
  assert.equal(isCommandRequest(parsed({ type: 'ping', id: 'p' })), false);
});
