import type { Request, SignalKind as ClientSignalKind } from '@switchboard/protocol';
import type { Command, CommandBody, SignalKind } from '@switchboard/schemas';
import { createDirectIdCache } from './directIdCache';

/** Requests that become commands on the commands topic and are answered through the router. */
export type CommandRequest = Extract<
  Request,
  { type: 'send' | 'edit' | 'delete' | 'read' | 'delivered' | 'group.create' | 'group.add' | 'group.remove' | 'typing' | 'signal' }
>;

const COMMAND_TYPES: ReadonlySet<Request['type']> = new Set<CommandRequest['type']>([
  'send',
  'edit',
  'delete',
  'read',
  'delivered',
  'group.create',
  'group.add',
  'group.remove',
  'typing',
  'signal',
]);

export function isCommandRequest(request: Request): request is CommandRequest {
  return COMMAND_TYPES.has(request.type);
}

export interface CommandContext {
  gatewayId: string;
  sessionId: string;
  userId: string;
  /** Epoch milliseconds. */
  now: number;
  newCommandId: () => string;
  newGroupId: () => string;
}

const SIGNAL_KINDS: Record<ClientSignalKind, SignalKind> = {
  offer: 'OFFER',
  answer: 'ANSWER',
  ice_candidate: 'ICE_CANDIDATE',
  hangup: 'HANGUP',
};

const directConversationId = createDirectIdCache();

function target(request: CommandRequest, ctx: CommandContext): { conversationId: string; body: CommandBody } {
  switch (request.type) {
    case 'send':
      if (request.to !== undefined) {
        return {
          conversationId: directConversationId(ctx.userId, request.to),
          body: { type: 'SendMessage', clientMsgId: request.clientMsgId, recipientId: request.to, body: request.body, contentType: request.contentType },
        };
      }
      if (request.conversationId === undefined) throw new TypeError('a send must name "to" or "conversationId"');
      return {
        conversationId: request.conversationId,
        body: { type: 'SendMessage', clientMsgId: request.clientMsgId, recipientId: null, body: request.body, contentType: request.contentType },
      };
    case 'edit':
      return { conversationId: request.conversationId, body: { type: 'EditMessage', seq: request.seq, body: request.body } };
    case 'delete':
      return { conversationId: request.conversationId, body: { type: 'DeleteMessage', seq: request.seq } };
    case 'read':
      return { conversationId: request.conversationId, body: { type: 'MarkRead', seq: request.seq } };
    case 'delivered':
      return { conversationId: request.conversationId, body: { type: 'AckDelivery', seq: request.seq } };
    case 'group.create':
      return { conversationId: ctx.newGroupId(), body: { type: 'CreateGroup', name: request.name, members: request.members } };
    case 'group.add':
      return { conversationId: request.conversationId, body: { type: 'AddMember', userId: request.userId } };
    case 'group.remove':
      return { conversationId: request.conversationId, body: { type: 'RemoveMember', userId: request.userId } };
    case 'typing':
      return { conversationId: request.conversationId, body: { type: 'Typing', active: request.active } };
    case 'signal':
      return {
        conversationId: directConversationId(ctx.userId, request.to),
        body: { type: 'Signal', toUserId: request.to, kind: SIGNAL_KINDS[request.kind], payload: request.payload },
      };
  }
}

/** The command a client request becomes, stamped with where it came from so the reply finds its way back. */
export function requestToCommand(request: CommandRequest, ctx: CommandContext): Command {
  const { conversationId, body } = target(request, ctx);
  return {
    commandId: ctx.newCommandId(),
    issuedAt: ctx.now,
    conversationId,
    origin: { gatewayId: ctx.gatewayId, sessionId: ctx.sessionId, userId: ctx.userId, requestId: request.id },
    traceparent: null,
    body,
  };
}
