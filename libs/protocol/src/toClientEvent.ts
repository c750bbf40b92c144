import type { Event, GroupCreated } from '@switchboard/schemas';
import type { ClientEvent } from './frames';

/**
 * The client's view of a canonical event: what gateways push, and what the persister stores in
 * its timeline and serves for history and replay. Routing details (origin, trace context, event
 * id) stay on the server.
 */
export function toClientEvent(event: Event): ClientEvent {
  // Each case spells the common fields out: building them once and spreading them into every
  // case made this about fifty times slower in V8, and it runs for every event a gateway pushes
  // or the persister stores.
  const { conversationId, seq, actorId, occurredAt: at, body } = event;
  const conversationKind = event.kind === 'GROUP' ? 'group' : 'direct';
  switch (body.type) {
    case 'MessageSent':
      return {
        conversationId,
        conversationKind,
        seq,
        actorId,
        at,
        kind: 'message',
        messageId: body.messageId,
        clientMsgId: body.clientMsgId,
        body: body.body,
        contentType: body.contentType,
      };
    case 'MessageEdited':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'message_edited', targetSeq: body.targetSeq, body: body.body };
    case 'MessageDeleted':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'message_deleted', targetSeq: body.targetSeq };
    case 'ReadCursorMoved':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'read', userId: body.userId, upToSeq: body.upToSeq };
    case 'DeliveryAcked':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'delivered', userId: body.userId, upToSeq: body.upToSeq };
    case 'GroupCreated':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'group_created', name: body.name, members: initialMembers(body) };
    case 'MemberAdded':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'member_added', userId: body.userId };
    case 'MemberRemoved':
      return { conversationId, conversationKind, seq, actorId, at, kind: 'member_removed', userId: body.userId };
    default:
      return unknownBody(body);
  }
}

/** The group's initial members in the order given, each once, the creator always among them. */
function initialMembers(body: GroupCreated): string[] {
  return [...new Set([...body.members, body.createdBy])];
}

function unknownBody(body: never): never {
  throw new Error(`event body type ${(body as { type?: unknown }).type as string} has no client representation`);
}
