/** Every reason a token can be refused, with whether trying again later can succeed. */
export const AUTH_ERROR_CODES = {
  token_missing: { retriable: false },
  token_malformed: { retriable: false },
  token_expired: { retriable: false },
  token_not_yet_valid: { retriable: false },
  token_bad_signature: { retriable: false },
  token_alg_not_allowed: { retriable: false },
  token_audience: { retriable: false },
  token_issuer: { retriable: false },
  token_subject: { retriable: false },
  token_key_unknown: { retriable: false },
  auth_unavailable: { retriable: true },
} as const satisfies Record<string, { retriable: boolean }>;

export type AuthErrorCode = keyof typeof AUTH_ERROR_CODES;

const AUTH_ERROR_BRAND = Symbol.for('switchboard.AuthError');

/**
 * A refused token. `code` is stable and safe to send to clients; `message` is for people and never
 * contains the token or the verification secret.
 */
export class AuthError extends Error {
  readonly code: AuthErrorCode;
  readonly retriable: boolean;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthError';
    this.code = code;
    this.retriable = AUTH_ERROR_CODES[code].retriable;
    Object.defineProperty(this, AUTH_ERROR_BRAND, { value: true });
  }
}

/** True for an AuthError, also when it comes from another copy of this package. */
export function isAuthError(value: unknown): value is AuthError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[AUTH_ERROR_BRAND] === true;
}
