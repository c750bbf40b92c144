import type { KeyObject } from 'node:crypto';

export const SUPPORTED_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];
export type PublicKeyAlgorithm = Exclude<SupportedAlgorithm, 'HS256'>;

export const MIN_HMAC_SECRET_BYTES = 32;
export const MIN_RSA_MODULUS_BITS = 2048;

export function isSupportedAlgorithm(value: unknown): value is SupportedAlgorithm {
  return (SUPPORTED_ALGORITHMS as readonly unknown[]).includes(value);
}

/**
 * Why `key` cannot verify `alg` signatures, or undefined when it can: RS256 needs an RSA key of at
 * least 2048 bits, ES256 an EC key on P-256.
 */
export function keyMismatch(key: KeyObject, alg: PublicKeyAlgorithm): string | undefined {
  if (key.type !== 'public') return `a ${key.type} key cannot verify ${alg}`;
  if (alg === 'RS256') {
    if (key.asymmetricKeyType !== 'rsa') return `${alg} needs an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_MODULUS_BITS) return `${alg} needs an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits, got ${bits}`;
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ec') return `${alg} needs an EC key, got ${key.asymmetricKeyType ?? 'unknown'}`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'prime256v1') return `${alg} needs an EC key on P-256, got ${curve ?? 'unknown curve'}`;
  return undefined;
}
