import { ERROR_CODES, isErrorCode } from '@switchboard/errors';
import type { ErrorFrame, OkFrame } from '@switchboard/protocol';

export function okFrame(id: string, result: Record<string, unknown>): OkFrame {
  return { type: 'ok', id, result };
}

/** An error reply; `retriable` comes from the error table (unknown codes are not retriable). */
export function errorFrame(id: string | null, code: string, message?: string | null): ErrorFrame {
  const spec = isErrorCode(code) ? ERROR_CODES[code] : undefined;
  return { type: 'error', id, code, message: message ?? spec?.message ?? code, retriable: spec?.retriable ?? false };
}
