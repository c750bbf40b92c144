import type { Command, Event, EventBody } from '@switchboard/schemas';
import type { ErrorCode } from '@switchboard/errors';
import { directConversationId, DIRECT_ID, GROUP_ID } from '@switchboard/protocol';
import type { ConversationState } from './conversationState';

export interface DecideContext {
  now: number;
  newMessageId: () => string;
  maxGroupSize: number;
}

type EphemeralBody = Extract<Command['body'], { type: 'Typing' | 'Signal' }>;

/** What one command leads to. Every command ends in exactly one reply to its origin session. */
export type Decision =
  /** New timeline or receipt events; the origin is answered when the last one is delivered. */
  | { outcome: 'events'; events: Event[] }
  /** No new event: a retried send answered with its original sequence, or a refusal. */
  | { outcome: 'reply'; seq: number | null; messageId: string | null; error: { code: ErrorCode; message: string } | null }
  /** Live-only frames for other users' sessions, then an ok to the origin. */
  | { outcome: 'ephemeral'; recipients: string[]; body: EphemeralBody };

const refuse = (code: ErrorCode, message: string): Decision => ({ outcome: 'reply', seq: null, messageId: null, error: { code, message } });
const answered = (seq: number, messageId: string): Decision => ({ outcome: 'reply', seq, messageId, error: null });

/**
 * The router's whole policy, as a pure function of a conversation's state and one command:
 * membership, deduplication of client message ids, and the next sequence numbers.
 */
export function decide(state: ConversationState | undefined, command: Command, ctx: DecideContext): Decision {
  const actor = command.origin.userId;
  const body = command.body;
  const event = (seq: number | null, eventBody: EventBody, kind = state?.kind ?? 'DIRECT'): Event => ({
    eventId: `${command.commandId}:${seq ?? 'r'}`,
    conversationId: command.conversationId,
    kind,
    seq,
    occurredAt: ctx.now,
    actorId: actor,
    origin: command.origin,
    traceparent: command.traceparent,
    body: eventBody,
  });

  if (body.type === 'CreateGroup') {
    if (!GROUP_ID.test(command.conversationId)) return refuse('invalid_request', 'a group id must start with "grp."');
    if (state) return refuse('invalid_request', 'a conversation with this id already exists');
    const members = [...new Set([actor, ...body.members])];
    if (members.length > ctx.maxGroupSize) return refuse('group_too_large', `a group may have at most ${ctx.maxGroupSize} members`);
    return { outcome: 'events', events: [event(1, { type: 'GroupCreated', name: body.name, createdBy: actor, members }, 'GROUP')] };
  }

  if (body.type === 'SendMessage' && !state) {
    if (!DIRECT_ID.test(command.conversationId)) return refuse('conversation_not_found', 'no such conversation');
    if (body.recipientId === null || directConversationId(actor, body.recipientId) !== command.conversationId) {
      return refuse('not_member', 'you are not a participant of this direct conversation');
    }
    if (body.recipientId === actor) return refuse('invalid_request', 'a direct conversation needs two different users');
    return {
      outcome: 'events',
      events: [
        event(1, { type: 'MessageSent', messageId: ctx.newMessageId(), clientMsgId: body.clientMsgId, recipientId: body.recipientId, body: body.body, contentType: body.contentType }, 'DIRECT'),
      ],
    };
  }

  if (body.type === 'Signal' && !state) return refuse('forbidden', 'you may signal only users you have a direct conversation with');
  if (!state) return refuse('conversation_not_found', 'no such conversation');
  if (!state.members.has(actor)) return refuse('not_member', 'you are not a member of this conversation');
  const next = state.lastSeq + 1;

  switch (body.type) {
    case 'SendMessage': {
      const earlier = state.recent.byClientMessageId(actor, body.clientMsgId);
      if (earlier) return answered(earlier.seq, earlier.messageId);
      const recipientId = state.kind === 'DIRECT' ? otherMember(state, actor) : null;
      return {
        outcome: 'events',
        events: [event(next, { type: 'MessageSent', messageId: ctx.newMessageId(), clientMsgId: body.clientMsgId, recipientId, body: body.body, contentType: body.contentType })],
      };
    }
    case 'EditMessage':
    case 'DeleteMessage': {
      const target = state.recent.bySequence(body.seq);
      if (!target) return refuse('message_not_found', `no message at seq ${body.seq}, or it is too old to change`);
      if (target.senderId !== actor) return refuse('not_message_author', 'only the author may change a message');
      if (target.deleted) return refuse('message_deleted', 'the message was deleted');
      const eventBody: EventBody =
        body.type === 'EditMessage' ? { type: 'MessageEdited', targetSeq: body.seq, body: body.body } : { type: 'MessageDeleted', targetSeq: body.seq };
      return { outcome: 'events', events: [event(next, eventBody)] };
    }
    case 'MarkRead':
    case 'AckDelivery': {
      if (body.seq > state.lastSeq) return refuse('invalid_request', `seq ${body.seq} is beyond the last message (${state.lastSeq})`);
      const eventBody: EventBody =
        body.type === 'MarkRead' ? { type: 'ReadCursorMoved', userId: actor, upToSeq: body.seq } : { type: 'DeliveryAcked', userId: actor, upToSeq: body.seq };
      return { outcome: 'events', events: [event(null, eventBody)] };
    }
    case 'AddMember': {
      if (state.kind !== 'GROUP') return refuse('forbidden', 'members can be added to groups only');
      if (state.members.has(body.userId)) return refuse('already_member', `${body.userId} is already a member`);
      if (state.members.size >= ctx.maxGroupSize) return refuse('group_too_large', `a group may have at most ${ctx.maxGroupSize} members`);
      return { outcome: 'events', events: [event(next, { type: 'MemberAdded', userId: body.userId, addedBy: actor })] };
    }
    case 'RemoveMember': {
      if (state.kind !== 'GROUP') return refuse('forbidden', 'members can be removed from groups only');
      if (!state.members.has(body.userId)) return refuse('not_member', `${body.userId} is not a member`);
      if (body.userId !== actor && state.createdBy !== actor) return refuse('forbidden', 'only the group creator may remove other members');
      return { outcome: 'events', events: [event(next, { type: 'MemberRemoved', userId: body.userId, removedBy: actor })] };
    }
    case 'Typing':
      return { outcome: 'ephemeral', recipients: [...state.members.keys()].filter((u) => u !== actor), body };
    case 'Signal':
      if (state.kind !== 'DIRECT' || !state.members.has(body.toUserId)) return refuse('forbidden', 'signals go to the other user of a direct conversation');
      return { outcome: 'ephemeral', recipients: [body.toUserId], body };
  }
}

function otherMember(state: ConversationState, actor: string): string | null {
  for (const member of state.members.keys()) if (member !== actor) return member;
  return null;
}
