import { AuthError } from './authError';

/** Longer tokens are refused before any parsing, so a client cannot make the verifier chew on megabytes. */
export const MAX_TOKEN_LENGTH = 8192;

export interface TokenHeader {
  readonly alg: unknown;
  readonly kid: unknown;
  readonly [name: string]: unknown;
}

export interface DecodedToken {
  readonly header: TokenHeader;
  readonly payload: Record<string, unknown>;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Splits and parses a compact JWS without trusting it: the header is needed to choose the key and
 * to refuse an algorithm before any verification runs.
 */
export function decodeToken(token: string): DecodedToken {
  if (token.length > MAX_TOKEN_LENGTH) throw malformed(`it is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('it must have three dot-separated parts');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (![headerPart, payloadPart, signaturePart].every((part) => BASE64URL.test(part))) {
    throw malformed('its parts must be base64url');
  }
  const header = parseJsonObject(headerPart, 'header');
  const payload = parseJsonObject(payloadPart, 'payload');
  if ('crit' in header) throw malformed('it has critical header extensions, which are not supported');
  return { header: header as TokenHeader, payload };
}

function parseJsonObject(part: string, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`its ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`its ${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function malformed(reason: string): AuthError {
  return new AuthError('token_malformed', `access token is malformed: ${reason}`);
}
