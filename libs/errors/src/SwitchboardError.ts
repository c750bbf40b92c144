import { ERROR_CODES, type ErrorCode } from './codes';

const BRAND = Symbol.for('switchboard.error');

/** An error with a stable code from the table; `instanceof`-independent check via isSwitchboardError. */
export class SwitchboardError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options);
    this.name = 'SwitchboardError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
  }

  get closeCode(): number | undefined {
    const spec = ERROR_CODES[this.code];
    return 'close' in spec ? spec.close : undefined;
  }
}

export function isSwitchboardError(value: unknown): value is SwitchboardError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
