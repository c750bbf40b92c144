/**
 * Protocol v1: JSON text frames. Every request carries a `type` and an `id`, and gets exactly one
 * reply: `{type:"ok", id, result}` or `{type:"error", id, code, message, retriable}`. The server
 * also pushes frames without an id: `welcome`, `event`, `typing`, `signal`.
 */
export type SignalKind = 'offer' | 'answer' | 'ice_candidate' | 'hangup';

export type Request =
  | { type: 'send'; id: string; conversationId?: string; to?: string; clientMsgId: string; body: string; contentType: string }
  | { type: 'edit'; id: string; conversationId: string; seq: number; body: string }
  | { type: 'delete'; id: string; conversationId: string; seq: number }
  | { type: 'read'; id: string; conversationId: string; seq: number }
  | { type: 'delivered'; id: string; conversationId: string; seq: number }
  | { type: 'group.create'; id: string; name: string; members: string[] }
  | { type: 'group.add'; id: string; conversationId: string; userId: string }
  | { type: 'group.remove'; id: string; conversationId: string; userId: string }
  | { type: 'history'; id: string; conversationId: string; before?: number; limit: number }
  | { type: 'sync'; id: string; cursors: Record<string, number> }
  | { type: 'typing'; id: string; conversationId: string; active: boolean }
  | { type: 'signal'; id: string; to: string; kind: SignalKind; payload: string }
  | { type: 'presence'; id: string; userIds: string[] }
  | { type: 'ping'; id: string };

export type RequestType = Request['type'];

export type EventKind =
  | 'message'
  | 'message_edited'
  | 'message_deleted'
  | 'read'
  | 'delivered'
  | 'group_created'
  | 'member_added'
  | 'member_removed';

/** An event as clients, the history API and the persister's timeline see it. */
export interface ClientEvent {
  conversationId: string;
  conversationKind: 'direct' | 'group';
  /** Position in the conversation's timeline; null for receipts, which are not in the timeline. */
  seq: number | null;
  kind: EventKind;
  actorId: string;
  at: number;
  messageId?: string;
  clientMsgId?: string;
  body?: string;
  contentType?: string;
  targetSeq?: number;
  userId?: string;
  upToSeq?: number;
  name?: string;
  /** Initial members of a created group, the creator included; they read the group from seq 1. */
  members?: string[];
}

/** One user's entry in the answer to a `presence` request: how many live sessions, never where. */
export interface UserPresence {
  online: boolean;
  sessions: number;
}

export interface OkFrame {
  type: 'ok';
  id: string;
  result: Record<string, unknown>;
}

export interface ErrorFrame {
  type: 'error';
  id: string | null;
  code: string;
  message: string;
  retriable: boolean;
}

export interface WelcomeFrame {
  type: 'welcome';
  protocol: number;
  sessionId: string;
  userId: string;
  gatewayId: string;
  limits: { maxFrameBytes: number; maxBodyLength: number; messagesPerSecond: number };
}

export interface EventFrame {
  type: 'event';
  event: ClientEvent;
}

export interface TypingFrame {
  type: 'typing';
  conversationId: string;
  userId: string;
  active: boolean;
}

export interface SignalFrame {
  type: 'signal';
  from: string;
  kind: SignalKind;
  payload: string;
}

export type ServerFrame = OkFrame | ErrorFrame | WelcomeFrame | EventFrame | TypingFrame | SignalFrame;
