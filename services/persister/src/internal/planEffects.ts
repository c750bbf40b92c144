import type { Event, GroupCreated, MessageSent } from '@switchboard/schemas';
import type { ConversationChange, CursorChange, MembershipChange, MessageDeletion, ProjectionEffects } from '../types/projection';

/**
 * Folds events, in log order, into the row changes they cause. Each key appears once per row set,
 * because one multi-row upsert cannot change the same row twice.
 */
export function planEffects(events: readonly Event[]): ProjectionEffects {
  const conversations = new Map<string, ConversationChange>();
  const memberships = new Map<string, MembershipChange>();
  const deletions = new Map<string, MessageDeletion>();
  const cursors = new Map<string, CursorChange>();

  const join = (conversationId: string, userId: string, joinedSeq: number) =>
    memberships.set(pairKey(conversationId, userId), { conversationId, userId, joinedSeq, removedSeq: null });
  const leave = (conversationId: string, userId: string, removedSeq: number) => {
    const key = pairKey(conversationId, userId);
    memberships.set(key, { conversationId, userId, joinedSeq: memberships.get(key)?.joinedSeq ?? null, removedSeq });
  };
  const moveCursor = (event: Event, userId: string, field: 'readSeq' | 'deliveredSeq', upToSeq: number) => {
    const key = pairKey(event.conversationId, userId);
    const cursor = cursors.get(key) ?? { conversationId: event.conversationId, userId, readSeq: 0, deliveredSeq: 0, at: event.occurredAt };
    cursor[field] = Math.max(cursor[field], upToSeq);
    cursor.at = Math.max(cursor.at, event.occurredAt);
    cursors.set(key, cursor);
  };

  for (const event of events) {
    const { conversationId, seq, body } = event;
    if (seq !== null) trackConversation(conversations, event, seq);
    switch (body.type) {
      case 'MessageSent':
        // A direct conversation has no creation event: its first message makes both users members.
        if (event.kind === 'DIRECT' && seq === 1) {
          for (const userId of directParticipants(event.actorId, body)) join(conversationId, userId, 1);
        }
        break;
      case 'MessageDeleted':
        deletions.set(pairKey(conversationId, String(body.targetSeq)), { conversationId, targetSeq: body.targetSeq });
        break;
      case 'ReadCursorMoved':
        moveCursor(event, body.userId, 'readSeq', body.upToSeq);
        break;
      case 'DeliveryAcked':
        moveCursor(event, body.userId, 'deliveredSeq', body.upToSeq);
        break;
      case 'GroupCreated':
        // The initial members read the group from its first event on.
        for (const userId of groupMembers(body)) join(conversationId, userId, 1);
        break;
      case 'MemberAdded':
        if (seq !== null) join(conversationId, body.userId, seq);
        break;
      case 'MemberRemoved':
        if (seq !== null) leave(conversationId, body.userId, seq);
        break;
    }
  }

  return {
    conversations: [...conversations.values()],
    memberships: [...memberships.values()],
    deletions: [...deletions.values()],
    cursors: [...cursors.values()],
  };
}

function trackConversation(conversations: Map<string, ConversationChange>, event: Event, seq: number): void {
  const name = event.body.type === 'GroupCreated' ? event.body.name : null;
  const current = conversations.get(event.conversationId);
  if (!current) {
    conversations.set(event.conversationId, {
      conversationId: event.conversationId,
      kind: event.kind === 'GROUP' ? 'group' : 'direct',
      name,
      lastSeq: seq,
      firstAt: event.occurredAt,
      lastAt: event.occurredAt,
    });
    return;
  }
  current.lastSeq = Math.max(current.lastSeq, seq);
  current.firstAt = Math.min(current.firstAt, event.occurredAt);
  current.lastAt = Math.max(current.lastAt, event.occurredAt);
  if (name !== null) current.name = name;
}

/** The sender and, when the event names one, the peer of a direct conversation. */
function directParticipants(senderId: string, body: MessageSent): string[] {
  const peer = body.recipientId;
  return peer === null || peer === senderId ? [senderId] : [senderId, peer];
}

/** The initial members of a group, the creator always among them. */
function groupMembers(body: GroupCreated): string[] {
  return [...new Set([...body.members, body.createdBy])];
}

function pairKey(conversationId: string, second: string): string {
  return `${conversationId}\u0000${second}`;
}
