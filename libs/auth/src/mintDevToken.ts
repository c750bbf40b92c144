import jwt from 'jsonwebtoken';
import { MIN_HMAC_SECRET_BYTES } from './algorithms';
import { AuthOptionsError } from './authOptionsError';
import { isValidSubject } from './subject';

export interface MintDevTokenOptions {
  /** HS256 secret, at least 32 bytes; the same one the verifier uses. */
  readonly secret: string;
  /** Becomes `sub`. */
  readonly userId: string;
  /** Lifetime in seconds (default 3600). */
  readonly ttlSec?: number;
  readonly audience?: string;
  readonly issuer?: string;
  /** More claims; sub, iat, exp, aud and iss are always taken from the options above. */
  readonly extraClaims?: Readonly<Record<string, unknown>>;
  /** Current time in epoch milliseconds (default Date.now). */
  readonly now?: () => number;
}

/** Signs an HS256 token for local development and tests. Never use it to issue production tokens. */
export function mintDevToken(options: MintDevTokenOptions): string {
  const ttlSec = options.ttlSec ?? 3600;
  const problems: string[] = [];
  if (typeof options.secret !== 'string' || Buffer.byteLength(options.secret, 'utf8') < MIN_HMAC_SECRET_BYTES) {
    problems.push(`secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes`);
  }
  if (!isValidSubject(options.userId)) problems.push('userId must be 1-128 characters of A-Z a-z 0-9 . _ @ -');
  if (!Number.isFinite(ttlSec) || ttlSec <= 0) problems.push(`ttlSec must be a positive number, got ${ttlSec}`);
  if (problems.length > 0) throw new AuthOptionsError(problems, 'dev token options');
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  const payload: Record<string, unknown> = { ...options.extraClaims, sub: options.userId, iat, exp: iat + ttlSec };
  delete payload.aud;
  delete payload.iss;
  if (options.audience !== undefined) payload.aud = options.audience;
  if (options.issuer !== undefined) payload.iss = options.issuer;
  return jwt.sign(payload, options.secret, { algorithm: 'HS256' });
}
