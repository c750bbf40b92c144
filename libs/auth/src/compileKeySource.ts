import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { MIN_HMAC_SECRET_BYTES, keyMismatch, type PublicKeyAlgorithm, type SupportedAlgorithm } from './algorithms';
import type { JwksFetch } from './jwks/jwksFetch';
import type { JwksByIssuer, JwksSource, TokenVerifierOptions } from './verifierOptions';

/** Key set label of a single JWKS source, which is trusted for every accepted issuer. */
export const ANY_ISSUER = '*';

export interface JwksKeySource {
  readonly kind: 'jwks';
  /** Issuer -> URL; a single source is stored under ANY_ISSUER. */
  readonly urls: ReadonlyMap<string, string>;
  readonly fetch: JwksFetch;
  readonly cacheTtlMs: number;
  readonly minRefetchIntervalMs: number;
  readonly timeoutMs: number;
}

export type KeySource = { readonly kind: 'static'; readonly key: KeyObject } | JwksKeySource;

const DEFAULT_CACHE_TTL_MS = 10 * 60_000;
const DEFAULT_MIN_REFETCH_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Turns secret/publicKey/jwks into the one place keys come from, pushing every problem to
 * `problems`. Returns undefined when the options are unusable.
 */
export function compileKeySource(
  options: TokenVerifierOptions,
  algorithms: readonly SupportedAlgorithm[],
  problems: string[],
): KeySource | undefined {
  const { secret, publicKey, jwks } = options;
  if (algorithms.includes('HS256')) {
    if (publicKey !== undefined || jwks !== undefined) problems.push('HS256 takes a secret, not publicKey or jwks');
    if (typeof secret !== 'string') {
      problems.push('HS256 needs a secret');
      return undefined;
    }
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes < MIN_HMAC_SECRET_BYTES) {
      problems.push(`secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes, got ${bytes}`);
      return undefined;
    }
    return { kind: 'static', key: createSecretKey(Buffer.from(secret, 'utf8')) };
  }
  if (secret !== undefined) problems.push('secret is only for HS256; RS256 and ES256 take publicKey or jwks');
  if (publicKey !== undefined && jwks !== undefined) {
    problems.push('give either publicKey or jwks, not both');
    return undefined;
  }
  if (publicKey !== undefined) return compilePublicKey(publicKey, algorithms as PublicKeyAlgorithm[], problems);
  if (jwks !== undefined) return compileJwks(jwks, problems);
  problems.push(`${algorithms.join(', ')} needs publicKey or jwks`);
  return undefined;
}

function compilePublicKey(pem: unknown, algorithms: readonly PublicKeyAlgorithm[], problems: string[]): KeySource | undefined {
  if (typeof pem !== 'string') {
    problems.push('publicKey must be a PEM string');
    return undefined;
  }
  if (pem.includes('PRIVATE KEY')) {
    problems.push('publicKey holds a private key; give only the public key');
    return undefined;
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    problems.push('publicKey is not a valid PEM public key');
    return undefined;
  }
  const mismatches = algorithms.map((alg) => keyMismatch(key, alg)).filter((m): m is string => m !== undefined);
  if (mismatches.length > 0) {
    problems.push(`publicKey does not fit the algorithms: ${mismatches.join('; ')}`);
    return undefined;
  }
  return { kind: 'static', key };
}

function compileJwks(jwks: JwksSource | JwksByIssuer, problems: string[]): KeySource | undefined {
  const before = problems.length;
  const urls = new Map<string, string>();
  if ('byIssuer' in jwks) {
    const entries = Object.entries(jwks.byIssuer ?? {});
    if (entries.length === 0) problems.push('jwks.byIssuer must name at least one issuer');
    for (const [issuer, url] of entries) {
      if (issuer === '') problems.push('jwks.byIssuer has an empty issuer');
      checkJwksUrl(url, `jwks.byIssuer[${JSON.stringify(issuer)}]`, problems);
      urls.set(issuer, url);
    }
  } else {
    checkJwksUrl(jwks.url, 'jwks.url', problems);
    urls.set(ANY_ISSUER, jwks.url);
  }
  const cacheTtlMs = positive(jwks.cacheTtlMs, DEFAULT_CACHE_TTL_MS, 'jwks.cacheTtlMs', problems);
  const minRefetchIntervalMs = positive(jwks.minRefetchIntervalMs, DEFAULT_MIN_REFETCH_INTERVAL_MS, 'jwks.minRefetchIntervalMs', problems);
  const timeoutMs = positive(jwks.timeoutMs, DEFAULT_TIMEOUT_MS, 'jwks.timeoutMs', problems);
  const fetch = jwks.fetch ?? defaultFetch(problems);
  if (problems.length > before || fetch === undefined) return undefined;
  return { kind: 'jwks', urls, fetch, cacheTtlMs, minRefetchIntervalMs, timeoutMs };
}

/** Keys fetched over plain HTTP could be swapped in transit, so only loopback may skip TLS. */
function checkJwksUrl(value: unknown, name: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    problems.push(`${name} must be a URL, got ${JSON.stringify(value)}`);
    return;
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) problems.push(`${name} must be https (http only for localhost), got ${url.protocol}`);
}

function positive(value: number | undefined, fallback: number, name: string, problems: string[]): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) problems.push(`${name} must be a positive number, got ${value}`);
  return value;
}

function defaultFetch(problems: string[]): JwksFetch | undefined {
  if (typeof globalThis.fetch !== 'function') {
    problems.push('jwks.fetch is required where no global fetch exists');
    return undefined;
  }
  return (url, init) => globalThis.fetch(url, init);
}
