import type { Event } from '@switchboard/schemas';
import { RecentMessages } from './recentMessages';

export type ConversationKind = Event['kind'];

/** What the router knows of one conversation: exactly the fold of its committed events. */
export interface ConversationState {
  readonly conversationId: string;
  readonly kind: ConversationKind;
  name: string | null;
  createdBy: string | null;
  lastSeq: number;
  /** Member user id -> the sequence from which they may read. */
  readonly members: Map<string, number>;
  readonly recent: RecentMessages;
}

export function newConversationState(conversationId: string, kind: ConversationKind, recentCapacity: number): ConversationState {
  return {
    conversationId,
    kind,
    name: null,
    createdBy: null,
    lastSeq: 0,
    members: new Map(),
    recent: new RecentMessages(recentCapacity),
  };
}

/**
 * Applies one committed event. The router uses this both to rebuild state from the log and to
 * advance state after deciding, so the two can never drift apart.
 */
export function applyEvent(state: ConversationState | undefined, event: Event, recentCapacity: number): ConversationState {
  const next = state ?? newConversationState(event.conversationId, event.kind, recentCapacity);
  if (event.seq !== null) next.lastSeq = Math.max(next.lastSeq, event.seq);
  const body = event.body;
  switch (body.type) {
    case 'MessageSent': {
      if (next.kind === 'DIRECT' && next.members.size === 0) {
        next.members.set(event.actorId, 1);
        if (body.recipientId !== null) next.members.set(body.recipientId, 1);
      }
      next.recent.add({ seq: event.seq ?? 0, messageId: body.messageId, senderId: event.actorId, clientMsgId: body.clientMsgId, deleted: false });
      break;
    }
    case 'MessageDeleted': {
      const target = next.recent.bySequence(body.targetSeq);
      if (target) target.deleted = true;
      break;
    }
    case 'GroupCreated':
      next.name = body.name;
      next.createdBy = body.createdBy;
      for (const member of body.members) next.members.set(member, event.seq ?? 1);
      break;
    case 'MemberAdded':
      next.members.set(body.userId, event.seq ?? next.lastSeq);
      break;
    case 'MemberRemoved':
      next.members.delete(body.userId);
      break;
    case 'MessageEdited':
    case 'ReadCursorMoved':
    case 'DeliveryAcked':
      break;
  }
  return next;
}
