import type { Event, GroupCreated } from '@switchboard/schemas';
import type { ClientEvent } from './frames';

/**
 * The client's view of a canonical event: what gateways push, and what the persister stores in
 * its timeline and serves for history and replay. Routing details (origin, trace context, event
 * id) stay on the server.
 */
export function toClientEvent(event: Event): ClientEvent {
  const base = {
    conversationId: event.conversationId,
    conversationKind: event.kind === 'GROUP' ? 'group' : 'direct',
    seq: event.seq,
    actorId: event.actorId,
    at: event.occurredAt,
  } as const;
  const body = event.body;
  switch (body.type) {
    case 'MessageSent':
      return { ...base, kind: 'message', messageId: body.messageId, clientMsgId: body.clientMsgId, body: body.body, contentType: body.contentType };
    case 'MessageEdited':
      return { ...base, kind: 'message_edited', targetSeq: body.targetSeq, body: body.body };
    case 'MessageDeleted':
      return { ...base, kind: 'message_deleted', targetSeq: body.targetSeq };
    case 'ReadCursorMoved':
      return { ...base, kind: 'read', userId: body.userId, upToSeq: body.upToSeq };
    case 'DeliveryAcked':
      return { ...base, kind: 'delivered', userId: body.userId, upToSeq: body.upToSeq };
    case 'GroupCreated':
      return { ...base, kind: 'group_created', name: body.name, members: initialMembers(body) };
    case 'MemberAdded':
      return { ...base, kind: 'member_added', userId: body.userId };
    case 'MemberRemoved':
      return { ...base, kind: 'member_removed', userId: body.userId };
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
