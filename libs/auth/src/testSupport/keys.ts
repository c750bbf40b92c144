import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface TestKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
  /** The public key as a JWK with this kid (and alg when given). */
  jwk(kid: string, alg?: string): Record<string, unknown>;
}

/*
 * Keys are generated as PEM text and imported again, so that no KeyObject shares its key data with
 * the generation job: Node 20 can deadlock when a garbage collection finalizes that job while the
 * same key is being exported (KeyObjectHandle::ExportJWK holds the lock the job's destructor takes).
 */
export function rsaKeyPair(modulusLength = 2048): TestKeyPair {
  return wrap(generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }));
}

export function ecKeyPair(namedCurve = 'prime256v1'): TestKeyPair {
  return wrap(generateKeyPairSync('ec', { namedCurve, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }));
}

function wrap(pem: { privateKey: string; publicKey: string }): TestKeyPair {
  const privateKey = createPrivateKey(pem.privateKey);
  const publicKey = createPublicKey(pem.publicKey);
  return {
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: (kid, alg) => ({ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', ...(alg ? { alg } : {}) }),
  };
}

/** Signs a payload exactly as given (no iat added), with an optional kid. */
export function signToken(payload: Record<string, unknown>, key: KeyObject | string, alg: 'HS256' | 'RS256' | 'ES256', kid?: string): string {
  return jwt.sign(payload, key, { algorithm: alg, noTimestamp: !('iat' in payload), ...(kid ? { keyid: kid } : {}) });
}

/** A compact token with any header and payload and the given signature, for tokens no library would sign. */
export function rawToken(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

/** An HS256-style token over any header and payload, keyed with any bytes (a PEM, for instance). */
export function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string): string {
  const unsigned = rawToken(header, payload).slice(0, -1);
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
