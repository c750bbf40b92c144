import type { BackoffOptions } from './backoff';
import type { CursorStore } from './cursorStores';
import type { SwitchboardError } from './errors';
import type { WebSocketConstructorLike } from './socket';
import type { ClientEvent, ConversationSummary, SignalKind, UserPresence } from './wire';

export interface ClientOptions {
  /**
   * The gateway, e.g. `ws://127.0.0.1:8080/v1`: one URL, a list (each new connection takes the
   * next one, round robin), or a function called for every new connection.
   */
  url: string | readonly string[] | (() => string | Promise<string>);
  /**
   * Returns an access token (a JWT). Called for every connection, and again before the current
   * token expires (its `exp` is read, not verified), when the client moves to a new connection.
   */
  token: () => string | Promise<string>;
  /** Where cursors are kept between runs (default: memory only). */
  cursorStore?: CursorStore;
  /** Reconnect delays: exponential with full jitter (defaults 500 ms initial, 30 s cap, x2). */
  reconnect?: BackoffOptions;
  /** Sends that may wait for their ack at once; one more is refused with `outbox_full` (default 1000). */
  maxOutbox?: number;
  /** Sends written to the socket before their acks come back (default 64). */
  maxInFlight?: number;
  /** How long any other request waits for its answer before it fails with `timeout` (default 30 s). */
  requestTimeoutMs?: number;
  /** How long before a token expires the client moves to a new connection (default: a quarter of the token's lifetime, at most 30 s). */
  tokenRefreshMarginMs?: number;
  /** How long a new socket may take to send `welcome` (default 15 s). */
  connectTimeoutMs?: number;
  /** A ping after this much quiet; a connection whose ping gets no answer in `requestTimeoutMs` is replaced. 0 turns it off (default 25 s). */
  heartbeatIntervalMs?: number;
  /** How long events wait behind a hole in a conversation before the client fetches what is missing (default 500 ms). */
  gapFillDelayMs?: number;
  /** The WebSocket class to use: `ws` in Node and the global one in browsers by default. */
  WebSocket?: WebSocketConstructorLike;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** Set when the client stopped because reconnecting cannot help (see docs/client.md). */
  error?: SwitchboardError;
  /** When a retry is scheduled: the close code (or HTTP status of a refused upgrade) that ended the last attempt. */
  closeCode?: number;
  /** When a retry is scheduled (state `connecting` or `reconnecting`, emitted for every retry): the delay before it. */
  delayMs?: number;
}

export interface SendInput {
  /** A user id: the message goes to the direct conversation with them. */
  to?: string;
  /** Or an existing conversation (direct or group). */
  conversationId?: string;
  /** 1-16384 characters. */
  body: string;
  /** Default `text/plain`. */
  contentType?: string;
  /** Your own id for the message (1-64 of `A-Z a-z 0-9 . _ : -`); one is generated when omitted. */
  clientMsgId?: string;
}

export interface SendResult {
  conversationId: string;
  seq: number;
  messageId: string;
}

export interface SeqResult {
  conversationId: string;
  seq: number;
}

export interface HistoryPage {
  /** Oldest first. */
  events: ClientEvent[];
  /** Whether older events exist: pass `events[0].seq` as the next `before`. */
  hasMore: boolean;
}

/** A timeline event narrowed by kind. `body` is absent when the message was deleted later. */
export type TimelineEvent<K extends ClientEvent['kind']> = ClientEvent & { kind: K; seq: K extends 'read' | 'delivered' ? null : number };
export type MessageEvent = TimelineEvent<'message'> & { messageId: string; clientMsgId: string; contentType: string };
export type MessageEditedEvent = TimelineEvent<'message_edited'> & { targetSeq: number };
export type MessageDeletedEvent = TimelineEvent<'message_deleted'> & { targetSeq: number };
export type ReceiptEvent = TimelineEvent<'read' | 'delivered'> & { userId: string; upToSeq: number };
export type GroupCreatedEvent = TimelineEvent<'group_created'> & { name: string; members: string[] };
export type MemberEvent = TimelineEvent<'member_added' | 'member_removed'> & { userId: string };

export interface PresenceWatchOptions {
  /** How often to ask while connected (default 15000 ms). */
  intervalMs?: number;
}

export interface TypingNotice {
  conversationId: string;
  userId: string;
  active: boolean;
}

export interface SignalNotice {
  from: string;
  kind: SignalKind;
  payload: string;
}

export interface SyncedNotice {
  /** The conversations with events past the client's cursors, as the platform answered the resume. */
  conversations: ConversationSummary[];
}

/** Everything `on` can listen to. */
export interface ClientEventMap {
  /** Every timeline event (each once, in seq order per conversation) and every new receipt. */
  event: ClientEvent;
  message: MessageEvent;
  message_edited: MessageEditedEvent;
  message_deleted: MessageDeletedEvent;
  read: ReceiptEvent;
  delivered: ReceiptEvent;
  group_created: GroupCreatedEvent;
  member_added: MemberEvent;
  member_removed: MemberEvent;
  typing: TypingNotice;
  signal: SignalNotice;
  state: StateChange;
  /** A connection resumed: the conversations that had news for it. */
  synced: SyncedNotice;
  /** Something went wrong that the client handles by itself (a refused token, a failed gap fill); for logs. */
  error: SwitchboardError;
}

export interface SwitchboardClient {
  /** The user the token names, known from the first connection on. */
  readonly userId: string | undefined;
  readonly state: ConnectionState;
  /**
   * The conversations the resumes reported, each as last reported. A resume reports those with
   * events past the client's cursors: on the first connection of a client without cursors, every
   * conversation of the user that has an event.
   */
  readonly conversations: readonly ConversationSummary[];
  /** Resolves once connected and resumed; rejects if the client stops first. */
  ready(): Promise<void>;

  /** Sends a message; resolves with its place once the platform made it durable. Retried across reconnects until then. */
  send(input: SendInput): Promise<SendResult>;
  edit(conversationId: string, seq: number, body: string): Promise<SeqResult>;
  delete(conversationId: string, seq: number): Promise<SeqResult>;
  /** Marks everything up to and including `seq` as read. */
  markRead(conversationId: string, seq: number): Promise<void>;
  markDelivered(conversationId: string, seq: number): Promise<void>;
  typing(conversationId: string, active?: boolean): Promise<void>;
  signal(to: string, kind: SignalKind, payload: string): Promise<void>;
  /** Creates a group with you and `members` in it. */
  createGroup(name: string, members: readonly string[]): Promise<SeqResult>;
  addMember(conversationId: string, userId: string): Promise<SeqResult>;
  /** Removes a member (the creator may remove anyone; anyone may remove themselves). */
  removeMember(conversationId: string, userId: string): Promise<SeqResult>;
  /** The page of events just before `before` (the newest page without it), oldest first. */
  history(conversationId: string, options?: { before?: number; limit?: number }): Promise<HistoryPage>;
  /** Every page of a conversation's history, from the newest back to the first one you may read. */
  historyPages(conversationId: string, options?: { limit?: number }): AsyncIterable<HistoryPage>;
  /** The last seq handed to the application in a conversation. */
  cursor(conversationId: string): number | undefined;
  /** Whether each user is online now, and with how many sessions: a snapshot, at most 100 users at once. */
  presence(userIds: readonly string[]): Promise<Record<string, UserPresence>>;
  /**
   * Polls `presence` every `intervalMs` while connected (and at once on each new connection) and
   * calls `onChange` with the users whose presence changed (all of them the first time) and
   * everyone's last known presence. Returns a function that stops the watch.
   */
  watchPresence(
    userIds: readonly string[],
    options: PresenceWatchOptions,
    onChange: (changed: Record<string, UserPresence>, all: Record<string, UserPresence>) => void,
  ): () => void;

  on<K extends keyof ClientEventMap>(name: K, listener: (payload: ClientEventMap[K]) => void): () => void;
  off<K extends keyof ClientEventMap>(name: K, listener: (payload: ClientEventMap[K]) => void): void;
  once<K extends keyof ClientEventMap>(name: K, listener: (payload: ClientEventMap[K]) => void): () => void;

  /** Closes the connection; pending requests and unacknowledged sends fail with `client_closed`. */
  close(): Promise<void>;
}
