import { createHmac } from 'node:crypto';

/**
 * A development token (HS256) for the local platform of `npm start`, signed with JWT_SECRET (or
 * the local default). In production your backend issues tokens.
 */
export function devToken(userId, { ttlSec = 3600, secret = process.env.JWT_SECRET ?? 'switchboard-local-development-secret-0123456789' } = {}) {
  const part = (json) => Buffer.from(JSON.stringify(json)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, iat: now, exp: now + ttlSec })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
