/** Everything public except `createClient`, which each entry point (Node, browser) binds to its WebSocket. */
export type {
  ClientEventMap,
  ClientOptions,
  ConnectionState,
  GroupCreatedEvent,
  HistoryPage,
  MemberEvent,
  MessageDeletedEvent,
  MessageEditedEvent,
  MessageEvent,
  PresenceWatchOptions,
  ReceiptEvent,
  SendInput,
  SendResult,
  SeqResult,
  SignalNotice,
  StateChange,
  SwitchboardClient,
  SyncedNotice,
  TimelineEvent,
  TypingNotice,
} from './types';
export { ERROR_CODES, SwitchboardError, isErrorCode, isSwitchboardError } from './errors';
export type { ErrorCode } from './errors';
export { localStorageCursorStore, memoryCursorStore } from './cursorStores';
export type { CursorStore, StorageLike } from './cursorStores';
export type { BackoffOptions } from './backoff';
export type { WebSocketConstructorLike, WebSocketLike } from './socket';
export { MAX_BODY_LENGTH, MAX_GROUP_NAME_LENGTH, MAX_HISTORY_PAGE, MAX_PRESENCE_USERS, MAX_SIGNAL_PAYLOAD_LENGTH, PROTOCOL_VERSION } from './wire';
export type { ClientEvent, ConversationSummary, EventKind, SignalKind, UserPresence } from './wire';
