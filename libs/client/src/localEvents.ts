import type { RequestBody } from './requests';
import type { ClientEvent } from './wire';

/**
 * The timeline event that the answer to one's own request stands for. The gateway answers the
 * session that made a change with the ack instead of pushing the event, so the client builds the
 * event from what it asked and what the ack says; `at` is the local time of the ack.
 */
export function eventFromAck(request: RequestBody, result: Record<string, unknown>, selfId: string, at: number): ClientEvent | undefined {
  const conversationId = typeof result.conversationId === 'string' ? result.conversationId : undefined;
  const seq = typeof result.seq === 'number' ? result.seq : undefined;
  if (conversationId === undefined || seq === undefined) return undefined;
  const base = { conversationId, conversationKind: conversationId.startsWith('grp.') ? 'group' : 'direct', seq, actorId: selfId, at } as const;
  switch (request.type) {
    case 'send':
      if (typeof result.messageId !== 'string') return undefined;
      return { ...base, kind: 'message', messageId: result.messageId, clientMsgId: request.clientMsgId, body: request.body, contentType: request.contentType };
    case 'edit':
      return { ...base, kind: 'message_edited', targetSeq: request.seq, body: request.body };
    case 'delete':
      return { ...base, kind: 'message_deleted', targetSeq: request.seq };
    case 'group.create':
      return { ...base, kind: 'group_created', name: request.name, members: [...new Set([selfId, ...request.members])] };
    case 'group.add':
      return { ...base, kind: 'member_added', userId: request.userId };
    case 'group.remove':
      return { ...base, kind: 'member_removed', userId: request.userId };
    default:
      return undefined;
  }
}
