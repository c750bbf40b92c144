import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { keyMismatch, type PublicKeyAlgorithm } from '../algorithms';

/** A signing key from a JWKS document, ready to verify with. */
export interface JwkKey {
  readonly kid: string;
  readonly kty: string;
  /** The JWK's own `alg`, when it declares one. */
  readonly alg: string | undefined;
  readonly key: KeyObject;
}

const KEY_TYPE_FOR: Record<PublicKeyAlgorithm, string> = { RS256: 'RSA', ES256: 'EC' };

/**
 * The verification keys of a JWKS document. Keys without a kid, meant for encryption, or that do
 * not parse are left out rather than failing the set, so one odd key cannot lock everyone out.
 * Throws when the document itself is not a key set.
 */
export function parseJwks(document: unknown): JwkKey[] {
  const keys = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new Error('JWKS document has no "keys" array');
  return keys.flatMap((jwk: unknown) => {
    const parsed = parseJwk(jwk);
    return parsed === undefined ? [] : [parsed];
  });
}

/** True when `jwk` may verify a token signed with `alg`: kty, curve, size and declared alg all agree. */
export function jwkFitsAlgorithm(jwk: JwkKey, alg: PublicKeyAlgorithm): boolean {
  if (jwk.kty !== KEY_TYPE_FOR[alg]) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  return keyMismatch(jwk.key, alg) === undefined;
}

function parseJwk(value: unknown): JwkKey | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const jwk = value as Record<string, unknown>;
  if (typeof jwk.kid !== 'string' || jwk.kid === '' || typeof jwk.kty !== 'string') return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') return undefined;
  const { d: _private, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicPart } = jwk;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicPart as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  return { kid: jwk.kid, kty: jwk.kty, alg: jwk.alg, key };
}
