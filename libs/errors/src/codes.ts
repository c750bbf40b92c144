/**
 * Every error a client, an operator or a service can see, in one table. The gateway's replies,
 * the SDK's typed errors and docs/protocol.md all come from here.
 *
 * - retriable: the same request may succeed if sent again later (with the same client id).
 * - close: when set, the gateway closes the socket with this WebSocket close code.
 */
export interface ErrorSpec {
  readonly retriable: boolean;
  readonly close?: number;
  readonly message: string;
}

export const ERROR_CODES = {
  bad_frame: { retriable: false, message: 'The frame is not a JSON object.' },
  binary_not_supported: { retriable: false, close: 1003, message: 'Binary frames are not accepted; send JSON text frames.' },
  frame_too_large: { retriable: false, close: 1009, message: 'The frame is larger than the gateway accepts.' },
  unknown_type: { retriable: false, message: 'The frame type is not part of this protocol version.' },
  invalid_request: { retriable: false, message: 'A field is missing or has the wrong type or value.' },
  body_too_large: { retriable: false, message: 'The message body is longer than allowed.' },
  unsupported_version: { retriable: false, close: 4002, message: 'The requested protocol version is not supported.' },
  unauthorized: { retriable: false, close: 4001, message: 'The token is missing, invalid or expired.' },
  origin_not_allowed: { retriable: false, message: 'The Origin header is not in the allowlist.' },
  forbidden: { retriable: false, message: 'You are not allowed to do this.' },
  not_member: { retriable: false, message: 'You are not a member of this conversation.' },
  conversation_not_found: { retriable: false, message: 'No such conversation.' },
  message_not_found: { retriable: false, message: 'No such message in this conversation.' },
  not_message_author: { retriable: false, message: 'Only the author may edit or delete a message.' },
  message_deleted: { retriable: false, message: 'The message was deleted.' },
  already_member: { retriable: false, message: 'The user is already a member.' },
  group_too_large: { retriable: false, message: 'The group would exceed its maximum size.' },
  user_offline: { retriable: true, message: 'The user has no connected session.' },
  rate_limited: { retriable: true, message: 'Too many requests; slow down and retry.' },
  too_many_sessions: { retriable: false, close: 4008, message: 'This user has too many open sessions.' },
  slow_consumer: { retriable: true, close: 4009, message: 'The client did not read fast enough; reconnect and resume.' },
  going_away: { retriable: true, close: 1001, message: 'The gateway is shutting down; reconnect and resume.' },
  idle_timeout: { retriable: true, close: 4010, message: 'No frame was received within the idle timeout.' },
  resync_required: { retriable: true, close: 4011, message: 'A conversation could not be brought up to date without a gap; reconnect and sync.' },
  timeout: { retriable: true, message: 'No answer in time; retry with the same client id.' },
  unavailable: { retriable: true, close: 4012, message: 'A dependency is unavailable; retry shortly.' },
  internal: { retriable: true, message: 'An unexpected error occurred.' },
  // Raised by the client SDK itself; the gateway never sends these.
  outbox_full: { retriable: true, message: 'The client holds as many unacknowledged sends as it may; retry once some are acknowledged.' },
  client_closed: { retriable: false, message: 'The client was closed before the request completed.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
