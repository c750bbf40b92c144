import { isSupportedAlgorithm } from './algorithms';
import { AuthError } from './authError';
import { checkClaims } from './checkClaims';
import { compileVerifierOptions } from './compileVerifierOptions';
import { decodeToken } from './decodeToken';
import { quote } from './quote';
import type { Principal } from './principal';
import { createKeySelector } from './selectKey';
import { verifySignature } from './verifySignature';
import type { TokenVerifierOptions } from './verifierOptions';

export interface TokenVerifier {
  /** Resolves to who the token speaks for, or rejects with an AuthError. */
  verify(token: string | undefined): Promise<Principal>;
  /**
   * The same verdict at once (a Principal, or a thrown AuthError) when no key set has to be
   * fetched first; undefined when only `verify` can tell.
   */
  verifyNow(token: string | undefined): Principal | undefined;
}

/**
 * Builds a verifier from options checked up front (AuthOptionsError when unusable). Order of
 * checks: presence, shape, algorithm (from the header, before any key is touched), key, signature,
 * then claims.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const compiled = compileVerifierOptions(options);
  const selectKey = createKeySelector(compiled);
  function readHeader(token: string | undefined) {
    if (typeof token !== 'string' || token.trim() === '') throw new AuthError('token_missing', 'no access token was given');
    const decoded = decodeToken(token);
    const alg = decoded.header.alg;
    if (!isSupportedAlgorithm(alg) || !compiled.algorithms.includes(alg)) {
      throw new AuthError('token_alg_not_allowed', `access token algorithm ${quote(alg)} is not allowed (allowed: ${compiled.algorithms.join(', ')})`);
    }
    return { token, decoded, alg };
  }
  return {
    async verify(raw) {
      const { token, decoded, alg } = readHeader(raw);
      const key = await selectKey.select(decoded, alg);
      verifySignature(token, key, alg);
      return checkClaims(decoded.payload, compiled, compiled.now());
    },
    verifyNow(raw) {
      const { token, decoded, alg } = readHeader(raw);
      const key = selectKey.selectNow(decoded, alg);
      if (key === undefined) return undefined;
      verifySignature(token, key, alg);
      return checkClaims(decoded.payload, compiled, compiled.now());
    },
  };
}
