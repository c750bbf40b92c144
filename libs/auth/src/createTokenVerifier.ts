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
}

/**
 * Builds a verifier from options checked up front (AuthOptionsError when unusable). Order of
 * checks: presence, shape, algorithm (from the header, before any key is touched), key, signature,
 * then claims.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const compiled = compileVerifierOptions(options);
  const selectKey = createKeySelector(compiled);
  return {
    async verify(token) {
      if (typeof token !== 'string' || token.trim() === '') throw new AuthError('token_missing', 'no access token was given');
      const decoded = decodeToken(token);
      const alg = decoded.header.alg;
      if (!isSupportedAlgorithm(alg) || !compiled.algorithms.includes(alg)) {
        throw new AuthError('token_alg_not_allowed', `access token algorithm ${quote(alg)} is not allowed (allowed: ${compiled.algorithms.join(', ')})`);
      }
      const key = await selectKey(decoded, alg);
      verifySignature(token, key, alg);
      return checkClaims(decoded.payload, compiled, compiled.now());
    },
  };
}
