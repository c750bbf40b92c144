/** The error table of Switchboard: stable codes, retriable flags and WebSocket close codes. */
export { ERROR_CODES, isErrorCode } from './codes';
export type { ErrorCode, ErrorSpec } from './codes';
export { SwitchboardError, isSwitchboardError } from './SwitchboardError';
