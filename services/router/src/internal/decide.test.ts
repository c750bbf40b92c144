import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command, Event } from '@switchboard/schemas';
import { directConversationId } from '@switchboard/protocol';
import { applyEvent, type ConversationState } from './conversationState';
import { decide, type Decision } from './decide';

let ids = 0;
const ctx = { now: 1_700_000_000_000, newMessageId: () => `m${++ids}`, maxGroupSize: 4 };
const dm = directConversationId('alice', 'bob');

function command(userId: string, conversationId: string, body: Command['body'], requestId = 'r1'): Command {
  return { commandId: `c${++ids}`, issuedAt: ctx.now, conversationId, origin: { gatewayId: 'gw', sessionId: `s-${userId}`, userId, requestId }, traceparent: null, body };
}

const send = (clientMsgId: string, recipientId: string | null = 'bob', text = 'hi'): Command['body'] => ({
  type: 'SendMessage',
  clientMsgId,
  recipientId,
  body: text,
  contentType: 'text/plain',
});

/** Decides and, when events come out, applies them, as the router does. */
function step(state: ConversationState | undefined, cmd: Command): [ConversationState | undefined, Decision] {
  const decision = decide(state, cmd, ctx);
  if (decision.outcome === 'events') for (const e of decision.events) state = applyEvent(state, e, 100);
  return [state, decision];
}

const events = (d: Decision): Event[] => (d.outcome === 'events' ? d.events : assert.fail(`expected events, got ${JSON.stringify(d)}`));
const errorCode = (d: Decision) => (d.outcome === 'reply' ? d.error?.code : undefined);

test('a first 1:1 send creates the conversation at seq 1 and later sends follow gap-free', () => {
  let state: ConversationState | undefined;
  let d: Decision;
  [state, d] = step(state, command('alice', dm, send('a1')));
  assert.equal(events(d)[0]?.seq, 1);
  assert.equal(events(d)[0]?.kind, 'DIRECT');
  [state, d] = step(state, command('bob', dm, send('b1', null)));
  assert.equal(events(d)[0]?.seq, 2);
  [state, d] = step(state, command('alice', dm, send('a2')));
  assert.equal(events(d)[0]?.seq, 3);
  assert.deepEqual([...state!.members.keys()].sort(), ['alice', 'bob']);
});

test('a retried client id is answered with the original seq and message id, and makes no event', () => {
  let state: ConversationState | undefined;
  let first: Decision;
  [state, first] = step(state, command('alice', dm, send('same')));
  [state] = step(state, command('bob', dm, send('other', null)));
  const [, retry] = step(state, command('alice', dm, send('same')));
  assert.deepEqual(retry, { outcome: 'reply', seq: 1, messageId: (events(first)[0]!.body as { messageId: string }).messageId, error: null });
  assert.equal(state!.lastSeq, 2);
});

test('only participants may post; ids must match the two users', () => {
  const [, d] = step(undefined, command('mallory', dm, send('x', 'bob')));
  assert.equal(errorCode(d), 'not_member');
  const [state] = step(undefined, command('alice', dm, send('a1')));
  const [, d2] = step(state, command('mallory', dm, send('x', null)));
  assert.equal(errorCode(d2), 'not_member');
});

test('groups: creation at seq 1, members added and removed in the log, size limit, removed members refused', () => {
  const gid = 'grp.0123456789abcdef0123456789abcdef';
  let state: ConversationState | undefined;
  let d: Decision;
  [state, d] = step(state, command('alice', gid, { type: 'CreateGroup', name: 'team', members: ['bob', 'carol'] }));
  assert.equal(events(d)[0]?.seq, 1);
  assert.deepEqual([...state!.members.entries()].sort(), [['alice', 1], ['bob', 1], ['carol', 1]]);
  [state, d] = step(state, command('bob', gid, { type: 'AddMember', userId: 'dave' }));
  assert.equal(events(d)[0]?.seq, 2);
  assert.equal(state!.members.get('dave'), 2);
  [, d] = step(state, command('bob', gid, { type: 'AddMember', userId: 'erin' }));
  assert.equal(errorCode(d), 'group_too_large');
  [, d] = step(state, command('bob', gid, { type: 'RemoveMember', userId: 'carol' }));
  assert.equal(errorCode(d), 'forbidden', 'only the creator removes others');
  [state, d] = step(state, command('alice', gid, { type: 'RemoveMember', userId: 'carol' }));
  assert.equal(events(d)[0]?.seq, 3);
  [, d] = step(state, command('carol', gid, send('late', null)));
  assert.equal(errorCode(d), 'not_member');
  [state, d] = step(state, command('dave', gid, { type: 'RemoveMember', userId: 'dave' }));
  assert.equal(events(d)[0]?.seq, 4, 'anyone may leave');
});

test('edits and deletes: author only, existing messages only, not after deletion', () => {
  let state: ConversationState | undefined;
  let d: Decision;
  [state] = step(state, command('alice', dm, send('a1')));
  [, d] = step(state, command('bob', dm, { type: 'EditMessage', seq: 1, body: 'mine now' }));
  assert.equal(errorCode(d), 'not_message_author');
  [state, d] = step(state, command('alice', dm, { type: 'EditMessage', seq: 1, body: 'fixed' }));
  assert.equal(events(d)[0]?.seq, 2);
  [, d] = step(state, command('alice', dm, { type: 'EditMessage', seq: 9, body: 'x' }));
  assert.equal(errorCode(d), 'message_not_found');
  [state, d] = step(state, command('alice', dm, { type: 'DeleteMessage', seq: 1 }));
  assert.equal(events(d)[0]?.seq, 3);
  [, d] = step(state, command('alice', dm, { type: 'EditMessage', seq: 1, body: 'again' }));
  assert.equal(errorCode(d), 'message_deleted');
});

test('receipts are events outside the timeline; typing and signals are ephemeral', () => {
  let state: ConversationState | undefined;
  let d: Decision;
  [state] = step(state, command('alice', dm, send('a1')));
  [state, d] = step(state, command('bob', dm, { type: 'MarkRead', seq: 1 }));
  assert.equal(events(d)[0]?.seq, null);
  assert.equal(state!.lastSeq, 1);
  [, d] = step(state, command('bob', dm, { type: 'MarkRead', seq: 5 }));
  assert.equal(errorCode(d), 'invalid_request');
  [, d] = step(state, command('alice', dm, { type: 'Typing', active: true }));
  assert.deepEqual(d.outcome === 'ephemeral' && d.recipients, ['bob']);
  [, d] = step(state, command('alice', dm, { type: 'Signal', toUserId: 'bob', kind: 'OFFER', payload: 'sdp' }));
  assert.deepEqual(d.outcome === 'ephemeral' && d.recipients, ['bob']);
  [, d] = step(undefined, command('alice', directConversationId('alice', 'zed'), { type: 'Signal', toUserId: 'zed', kind: 'OFFER', payload: 'sdp' }));
  assert.equal(errorCode(d), 'forbidden');
});

test('state rebuilt from the events equals the state built while deciding', () => {
  let state: ConversationState | undefined;
  const log: Event[] = [];
  const cmds = [command('alice', dm, send('1')), command('bob', dm, send('2', null)), command('alice', dm, { type: 'DeleteMessage', seq: 1 })];
  for (const c of cmds) {
    const d = decide(state, c, ctx);
    for (const e of events(d)) {
      state = applyEvent(state, e, 100);
      log.push(e);
    }
  }
  let rebuilt: ConversationState | undefined;
  for (const e of log) rebuilt = applyEvent(rebuilt, e, 100);
  assert.equal(rebuilt!.lastSeq, state!.lastSeq);
  assert.deepEqual([...rebuilt!.members], [...state!.members]);
  assert.equal(rebuilt!.recent.bySequence(1)?.deleted, true);
  assert.equal(rebuilt!.recent.byClientMessageId('bob', '2')?.seq, 2);
});
