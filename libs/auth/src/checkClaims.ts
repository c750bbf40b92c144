import { AuthError } from './authError';
import { quote } from './quote';
import type { Principal } from './principal';
import { isValidSubject } from './subject';

export interface ClaimPolicy {
  readonly audience: string | undefined;
  readonly issuers: readonly string[] | undefined;
  readonly clockToleranceSec: number;
  readonly maxTokenAgeSec: number | undefined;
}

/** Checks the time, audience, issuer and subject claims of a payload whose signature is already verified. */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimPolicy, nowMs: number): Principal {
  const nowSec = nowMs / 1000;
  const tolerance = policy.clockToleranceSec;
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) throw new AuthError('token_malformed', 'access token has no exp claim');
  if (nowSec >= exp + tolerance) throw new AuthError('token_expired', `access token expired at ${isoTime(exp)}`);
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > nowSec + tolerance) {
    throw new AuthError('token_not_yet_valid', `access token is not valid before ${isoTime(nbf)}`);
  }
  checkAge(payload, policy, nowSec);
  if (policy.audience !== undefined && !audiences(payload.aud).includes(policy.audience)) {
    throw new AuthError('token_audience', `access token is not meant for audience ${quote(policy.audience)}`);
  }
  if (policy.issuers !== undefined && !(typeof payload.iss === 'string' && policy.issuers.includes(payload.iss))) {
    throw new AuthError('token_issuer', `access token issuer ${quote(payload.iss)} is not accepted`);
  }
  if (!isValidSubject(payload.sub)) {
    throw new AuthError('token_subject', 'access token sub must be 1-128 characters of A-Z a-z 0-9 . _ @ -');
  }
  return { userId: payload.sub, expiresAt: exp * 1000, claims: payload };
}

function checkAge(payload: Record<string, unknown>, policy: ClaimPolicy, nowSec: number): void {
  const iat = numericDate(payload, 'iat');
  if (policy.maxTokenAgeSec === undefined) return;
  if (iat === undefined) throw new AuthError('token_malformed', 'access token has no iat claim, which the maximum token age needs');
  if (iat > nowSec + policy.clockToleranceSec) {
    throw new AuthError('token_not_yet_valid', `access token claims to be issued in the future, at ${isoTime(iat)}`);
  }
  if (nowSec > iat + policy.maxTokenAgeSec + policy.clockToleranceSec) {
    throw new AuthError('token_expired', `access token was issued at ${isoTime(iat)}, more than ${policy.maxTokenAgeSec} s ago`);
  }
}

function numericDate(payload: Record<string, unknown>, claim: string): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AuthError('token_malformed', `access token ${claim} claim must be a number of seconds`);
  }
  return value;
}

function audiences(aud: unknown): unknown[] {
  return Array.isArray(aud) ? aud : [aud];
}

function isoTime(epochSec: number): string {
  const date = new Date(epochSec * 1000);
  return Number.isNaN(date.getTime()) ? `${epochSec} s` : date.toISOString();
}
