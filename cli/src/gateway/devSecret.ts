import { configError } from '../cli/cliError';

/**
 * The HS256 secret `npm start` gives the services when JWT_SECRET is unset (scripts/start.mjs); a
 * test keeps the two in step. It signs development tokens only.
 */
export const LOCAL_DEV_SECRET = 'switchboard-local-development-secret-0123456789';

const MIN_SECRET_BYTES = 32;

/** JWT_SECRET when set, else the local stack's development secret. */
export function jwtSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.JWT_SECRET ?? LOCAL_DEV_SECRET;
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw configError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes, got ${Buffer.byteLength(secret, 'utf8')}`);
  }
  return secret;
}
