/** The `exp` and `iat` claims of a JWT, in epoch ms, read without checking the signature. */
export function readTokenTimes(token: string): { expiresAt?: number; issuedAt?: number } {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  let claims: unknown;
  try {
    claims = JSON.parse(decodeBase64Url(payload));
  } catch {
    return {};
  }
  if (typeof claims !== 'object' || claims === null) return {};
  const { exp, iat } = claims as { exp?: unknown; iat?: unknown };
  return {
    ...(typeof exp === 'number' && Number.isFinite(exp) ? { expiresAt: exp * 1000 } : {}),
    ...(typeof iat === 'number' && Number.isFinite(iat) ? { issuedAt: iat * 1000 } : {}),
  };
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * When to replace a connection whose token expires at `expiresAt`: `marginMs` before, or by default
 * a quarter of the token's lifetime before, at most 30 s. Undefined when the token does not expire.
 */
export function refreshAt(times: { expiresAt?: number; issuedAt?: number }, now: number, marginMs?: number): number | undefined {
  if (times.expiresAt === undefined) return undefined;
  const lifetime = times.expiresAt - Math.min(times.issuedAt ?? now, now);
  const margin = marginMs ?? Math.min(30_000, Math.max(0, lifetime) / 4);
  return times.expiresAt - margin;
}
