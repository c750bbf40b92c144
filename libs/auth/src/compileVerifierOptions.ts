import { SUPPORTED_ALGORITHMS, isSupportedAlgorithm, type SupportedAlgorithm } from './algorithms';
import { AuthOptionsError } from './authOptionsError';
import { compileKeySource, type KeySource } from './compileKeySource';
import type { TokenVerifierOptions } from './verifierOptions';

const DEFAULT_CLOCK_TOLERANCE_SEC = 5;

export interface CompiledVerifierOptions {
  readonly algorithms: readonly SupportedAlgorithm[];
  readonly keys: KeySource;
  readonly audience: string | undefined;
  /** Accepted issuers; undefined accepts any (or none). */
  readonly issuers: readonly string[] | undefined;
  readonly clockToleranceSec: number;
  readonly maxTokenAgeSec: number | undefined;
  readonly now: () => number;
}

/** Checks verifier options once, up front, and resolves every default; throws AuthOptionsError. */
export function compileVerifierOptions(options: TokenVerifierOptions): CompiledVerifierOptions {
  const problems: string[] = [];
  const algorithms = compileAlgorithms(options.algorithms, problems);
  const keys = algorithms.length > 0 ? compileKeySource(options, algorithms, problems) : undefined;
  const audience = options.audience;
  if (audience !== undefined && (typeof audience !== 'string' || audience === '')) problems.push('audience must be a non-empty string');
  const issuers = compileIssuers(options, problems);
  const clockToleranceSec = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (!Number.isFinite(clockToleranceSec) || clockToleranceSec < 0) {
    problems.push(`clockToleranceSec must be zero or more seconds, got ${clockToleranceSec}`);
  }
  const maxTokenAgeSec = options.maxTokenAgeSec;
  if (maxTokenAgeSec !== undefined && (!Number.isFinite(maxTokenAgeSec) || maxTokenAgeSec <= 0)) {
    problems.push(`maxTokenAgeSec must be a positive number of seconds, got ${maxTokenAgeSec}`);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') problems.push('now must be a function returning epoch milliseconds');
  if (problems.length > 0 || keys === undefined) throw new AuthOptionsError(problems);
  return { algorithms, keys, audience, issuers, clockToleranceSec, maxTokenAgeSec, now };
}

/** HS256 next to a public-key algorithm would let a public key be used as an HMAC secret. */
function compileAlgorithms(value: unknown, problems: string[]): SupportedAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`algorithms must list at least one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
    return [];
  }
  const unsupported = value.filter((alg) => !isSupportedAlgorithm(alg));
  if (unsupported.length > 0) {
    problems.push(`algorithms may only contain ${SUPPORTED_ALGORITHMS.join(', ')}; got ${unsupported.map((a) => JSON.stringify(a)).join(', ')}`);
    return [];
  }
  const algorithms = [...new Set(value as SupportedAlgorithm[])];
  if (algorithms.includes('HS256') && algorithms.length > 1) {
    problems.push('HS256 cannot be combined with RS256 or ES256 in one verifier (algorithm confusion)');
    return [];
  }
  return algorithms;
}

function compileIssuers(options: TokenVerifierOptions, problems: string[]): readonly string[] | undefined {
  const configured = options.issuer === undefined ? undefined : typeof options.issuer === 'string' ? [options.issuer] : options.issuer;
  if (configured !== undefined && (!Array.isArray(configured) || configured.length === 0 || configured.some((i) => typeof i !== 'string' || i === ''))) {
    problems.push('issuer must be a non-empty string or a non-empty list of them');
    return undefined;
  }
  const jwks = options.jwks;
  if (jwks === undefined || !('byIssuer' in jwks) || typeof jwks.byIssuer !== 'object' || jwks.byIssuer === null) return configured;
  const withKeys = Object.keys(jwks.byIssuer);
  if (configured === undefined) return withKeys;
  const missing = configured.filter((issuer) => !withKeys.includes(issuer));
  if (missing.length > 0) problems.push(`issuer ${missing.map((i) => JSON.stringify(i)).join(', ')} has no entry in jwks.byIssuer`);
  return configured;
}
