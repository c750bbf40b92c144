import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SupportedAlgorithm } from './algorithms';
import { AuthError } from './authError';

/**
 * Checks only the signature, with exactly one algorithm (already vetted) and one key. Time and
 * audience claims are left to checkClaims so that they use the verifier's clock and error codes.
 */
export function verifySignature(token: string, key: KeyObject, alg: SupportedAlgorithm): void {
  try {
    jwt.verify(token, key, { algorithms: [alg], ignoreExpiration: true, ignoreNotBefore: true });
  } catch (error) {
    throw new AuthError('token_bad_signature', 'access token signature is invalid', { cause: stripDetails(error) });
  }
}

/** Keeps the library's reason but nothing that could carry the token. */
function stripDetails(error: unknown): Error {
  return new Error(error instanceof Error ? error.message : 'signature verification failed');
}
