import { SUBJECT_PATTERN, mintDevToken } from '@switchboard/auth';
import { usageError } from '../cli/cliError';
import { jwtSecret } from './devSecret';

export function checkUserId(userId: string, what: string): string {
  if (!SUBJECT_PATTERN.test(userId)) throw usageError(`${what} must be 1-128 of A-Z a-z 0-9 . _ @ -, got "${userId}"`);
  return userId;
}

/** A development token for a user, signed with the local secret. */
export function userToken(env: NodeJS.ProcessEnv, userId: string, ttlSec = 3600): string {
  return mintDevToken({ secret: jwtSecret(env), userId, ttlSec });
}
