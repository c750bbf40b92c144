/**
 * The frames of protocol v1 as the client sees them (docs/protocol.md). They are declared here, not
 * imported, so that the published package stands alone; wire.test.ts keeps them identical to
 * @switchboard/protocol.
 */
export const PROTOCOL_VERSION = 1;
/** Longest message body, in UTF-16 code units as JavaScript counts them. */
export const MAX_BODY_LENGTH = 16_384;
export const MAX_GROUP_NAME_LENGTH = 200;
export const MAX_SIGNAL_PAYLOAD_LENGTH = 16_384;
export const MAX_HISTORY_PAGE = 500;
export const MAX_SYNC_CONVERSATIONS = 1_000;
export const MAX_PRESENCE_USERS = 100;

export type SignalKind = 'offer' | 'answer' | 'ice_candidate' | 'hangup';

export type EventKind =
  | 'message'
  | 'message_edited'
  | 'message_deleted'
  | 'read'
  | 'delivered'
  | 'group_created'
  | 'member_added'
  | 'member_removed';

/** An event of a conversation: timeline events have a `seq`, receipts (`read`, `delivered`) have null. */
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

/** One entry of a `sync` answer. */
export interface ConversationSummary {
  conversationId: string;
  kind: 'direct' | 'group';
  name: string | null;
  /** The last seq the platform had stored when it answered. */
  lastSeq: number;
  /** How far each member has read: user id → seq. */
  readCursors: Record<string, number>;
}

/** Decodes one text frame; undefined when it is not a JSON object with a string `type`. */
export function decodeServerFrame(text: string): ServerFrame | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return typeof (value as { type?: unknown }).type === 'string' ? (value as ServerFrame) : undefined;
}
