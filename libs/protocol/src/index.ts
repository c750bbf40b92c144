/**
 * Switchboard's client protocol, version 1: the frames, their validation, and conversation ids.
 * docs/protocol.md describes every frame with examples.
 */
export type {
  ClientEvent,
  ErrorFrame,
  EventFrame,
  EventKind,
  OkFrame,
  Request,
  RequestType,
  ServerFrame,
  SignalFrame,
  SignalKind,
  TypingFrame,
  UserPresence,
  WelcomeFrame,
} from './frames';
export { parseRequest } from './parseRequest';
export { toClientEvent } from './toClientEvent';
export type { ParseFailureCode, ParsedRequest } from './parseRequest';
export { CLIENT_MSG_ID, DIRECT_ID, GROUP_ID, REQUEST_ID, USER_ID, directConversationId, isConversationId, newGroupId } from './ids';
export * from './limits';
