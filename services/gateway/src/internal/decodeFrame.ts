import { parseRequest, type ParseFailureCode, type Request } from '@switchboard/protocol';

/** What one client WebSocket message amounts to. */
export type DecodedFrame =
  | { kind: 'request'; request: Request }
  /** Answered with an error reply; the socket stays open. */
  | { kind: 'invalid'; id: string | null; code: ParseFailureCode | 'internal'; message: string }
  /** The socket is closed with this code's close code. */
  | { kind: 'fatal'; code: 'binary_not_supported' | 'frame_too_large' };

/**
 * Everything the gateway does with a client message before acting on it. Never throws: a failure
 * of the parser itself becomes an `internal` reply, which the fuzz test proves never happens.
 */
export function decodeFrame(message: ArrayBuffer | Uint8Array, isBinary: boolean, maxFrameBytes: number): DecodedFrame {
  if (isBinary) return { kind: 'fatal', code: 'binary_not_supported' };
  if (message.byteLength > maxFrameBytes) return { kind: 'fatal', code: 'frame_too_large' };
  // uWS lends the ArrayBuffer for this call only: toString copies the text out of it.
  const bytes = message instanceof Uint8Array ? Buffer.from(message.buffer, message.byteOffset, message.byteLength) : Buffer.from(message);
  const text = bytes.toString('utf8');
  try {
    const parsed = parseRequest(text);
    return parsed.ok ? { kind: 'request', request: parsed.request } : { kind: 'invalid', id: parsed.id, code: parsed.code, message: parsed.message };
  } catch {
    return { kind: 'invalid', id: null, code: 'internal', message: 'the frame could not be read' };
  }
}
