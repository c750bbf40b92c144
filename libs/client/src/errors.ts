/**
 * The platform's error table (libs/errors/src/codes.ts), carried in the package so that it has no
 * unpublished dependency; errors.test.ts fails when the two differ.
 */
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
  outbox_full: { retriable: true, message: 'The client holds as many unacknowledged sends as it may; retry once some are acknowledged.' },
  client_closed: { retriable: false, message: 'The client was closed before the request completed.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** The same brand as the platform's errors, so either side's check recognises both. */
const BRAND = Symbol.for('switchboard.error');

/**
 * Every failure the client reports: `code` is one of the table's, `retriable` says whether the
 * same request may succeed later. A code the gateway sends that this version does not know is kept
 * as `unknownCode`, reported as `internal`.
 */
export class SwitchboardError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly unknownCode: string | undefined;

  constructor(code: ErrorCode | string, message?: string, options?: { retriable?: boolean; cause?: unknown }) {
    const known = isErrorCode(code) ? code : 'internal';
    super(message ?? ERROR_CODES[known].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SwitchboardError';
    this.code = known;
    this.unknownCode = known === code ? undefined : code;
    this.retriable = options?.retriable ?? ERROR_CODES[known].retriable;
  }
}

export function isSwitchboardError(value: unknown): value is SwitchboardError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
