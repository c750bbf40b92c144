import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { SUBJECT_PATTERN, mintDevToken } from '@switchboard/auth';
import { respond } from './respond';

/** Signs development tokens for any user; only ever created when GATEWAY_DEV_TOKENS is on. */
export interface DevTokenIssuer {
  issue(userId: string): { token: string; userId: string; expiresAt: number };
}

export interface DevTokenIssuerOptions {
  secret: string;
  ttlSec: number;
  audience?: string;
  issuer?: string;
  now?: () => number;
}

export function createDevTokenIssuer(options: DevTokenIssuerOptions): DevTokenIssuer {
  const now = options.now ?? Date.now;
  return {
    issue(userId) {
      const issuedAt = now();
      const token = mintDevToken({
        secret: options.secret,
        userId,
        ttlSec: options.ttlSec,
        now: () => issuedAt,
        ...(options.audience !== undefined ? { audience: options.audience } : {}),
        ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
      });
      return { token, userId, expiresAt: (Math.floor(issuedAt / 1000) + options.ttlSec) * 1000 };
    },
  };
}

/**
 * GET /dev/token?user=<id>: a token for that user, so that the demo page can sign in without
 * holding the secret. Anyone who can reach the gateway may act as anyone: development only.
 */
export function createDevTokenHandler(issuer: DevTokenIssuer): (res: HttpResponse, req: HttpRequest) => void {
  return (res, req) => {
    const userId = new URLSearchParams(req.getQuery() ?? '').get('user');
    if (userId === null || !SUBJECT_PATTERN.test(userId)) {
      respond(res, '400 Bad Request', { code: 'invalid_request', message: 'user must be 1-128 of A-Z a-z 0-9 . _ @ -' });
      return;
    }
    respond(res, '200 OK', issuer.issue(userId));
  };
}
