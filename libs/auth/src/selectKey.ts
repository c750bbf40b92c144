import type { KeyObject } from 'node:crypto';
import type { PublicKeyAlgorithm, SupportedAlgorithm } from './algorithms';
import { AuthError } from './authError';
import { ANY_ISSUER } from './compileKeySource';
import type { CompiledVerifierOptions } from './compileVerifierOptions';
import type { DecodedToken } from './decodeToken';
import { quote } from './quote';
import { createJwksKeyResolver } from './jwks/createJwksKeyResolver';

type Key = KeyObject;

/** Picks the key that must have signed a token whose algorithm is already known to be allowed. */
export interface KeySelector {
  select(token: DecodedToken, alg: SupportedAlgorithm): Promise<Key>;
  /** The same key when it is at hand without fetching a key set; undefined otherwise. */
  selectNow(token: DecodedToken, alg: SupportedAlgorithm): Key | undefined;
}

export function createKeySelector(options: CompiledVerifierOptions): KeySelector {
  const keys = options.keys;
  if (keys.kind === 'static') return { select: async () => keys.key, selectNow: () => keys.key };
  const resolver = createJwksKeyResolver(keys, options.now);
  const singleSource = keys.urls.has(ANY_ISSUER);
  /** The issuer whose key set must hold the token's key, and the kid. */
  function source({ header, payload }: DecodedToken): { issuer: string; kid: string } {
    const kid = header.kid;
    if (typeof kid !== 'string' || kid === '') throw new AuthError('token_key_unknown', 'access token header has no kid to select a key');
    if (singleSource) return { issuer: ANY_ISSUER, kid };
    // The issuer is not verified yet; it only picks whose keys to try. A token naming issuer A
    // verifies only if A's key signed it, after which its iss claim is trustworthy.
    const issuer = payload.iss;
    if (typeof issuer !== 'string' || !(options.issuers ?? []).includes(issuer)) {
      throw new AuthError('token_issuer', `access token issuer ${quote(issuer)} is not accepted`);
    }
    return { issuer, kid };
  }
  return {
    async select(token, alg) {
      const { issuer, kid } = source(token);
      return resolver.resolve(issuer, kid, alg as PublicKeyAlgorithm);
    },
    selectNow(token, alg) {
      const { issuer, kid } = source(token);
      return resolver.resolveNow(issuer, kid, alg as PublicKeyAlgorithm);
    },
  };
}
