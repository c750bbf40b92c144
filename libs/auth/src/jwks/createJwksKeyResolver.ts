import type { KeyObject } from 'node:crypto';
import type { PublicKeyAlgorithm } from '../algorithms';
import { AuthError } from '../authError';
import { ANY_ISSUER, type JwksKeySource } from '../compileKeySource';
import { quote } from '../quote';
import { fetchJwks } from './fetchJwks';
import { createJwksKeyCache } from './jwksKeyCache';
import { jwkFitsAlgorithm } from './parseJwks';

/** Finds the key for (issuer, kid, alg), fetching the issuer's key set when needed. */
export interface JwksKeyResolver {
  resolve(issuer: string, kid: string, alg: PublicKeyAlgorithm): Promise<KeyObject>;
  /** The key when it is known and fresh, without fetching; undefined when only `resolve` can tell. */
  resolveNow(issuer: string, kid: string, alg: PublicKeyAlgorithm): KeyObject | undefined;
}

interface FetchState {
  readonly url: string;
  loadedAt: number | undefined;
  lastAttemptAt: number | undefined;
  lastAttemptFailed: boolean;
  lastError: unknown;
  inFlight: Promise<void> | undefined;
}

/**
 * Fetch policy, per issuer: a missing, expired or unknown-kid key set is fetched again, but at
 * most once per `minRefetchIntervalMs` (the first fetch is immediate), and concurrent callers
 * share one request. So key rotation is picked up, while tokens with made-up kids cannot turn the
 * verifier into a fetch storm. When a fetch fails, keys already known keep working.
 */
export function createJwksKeyResolver(source: JwksKeySource, now: () => number): JwksKeyResolver {
  const cache = createJwksKeyCache();
  const states = new Map<string, FetchState>();
  for (const [issuer, url] of source.urls) {
    states.set(issuer, { url, loadedAt: undefined, lastAttemptAt: undefined, lastAttemptFailed: false, lastError: undefined, inFlight: undefined });
  }

  const find = (issuer: string, kid: string, alg: PublicKeyAlgorithm): KeyObject | undefined =>
    cache.get(issuer, kid).find((jwk) => jwkFitsAlgorithm(jwk, alg))?.key;

  function startFetch(issuer: string, state: FetchState): Promise<void> {
    state.lastAttemptAt = now();
    const attempt = fetchJwks(source.fetch, state.url, source.timeoutMs).then(
      (keys) => {
        cache.replace(issuer, keys);
        state.loadedAt = now();
        state.lastAttemptFailed = false;
        state.lastError = undefined;
      },
      (error: unknown) => {
        state.lastAttemptFailed = true;
        state.lastError = error;
      },
    );
    state.inFlight = attempt.finally(() => {
      state.inFlight = undefined;
    });
    return state.inFlight;
  }

  return {
    resolveNow(issuer, kid, alg) {
      const state = states.get(issuer);
      if (state === undefined) throw new AuthError('token_issuer', `no key set is configured for issuer ${quote(issuer)}`);
      const fresh = state.loadedAt !== undefined && now() - state.loadedAt < source.cacheTtlMs;
      return fresh ? find(issuer, kid, alg) : undefined;
    },
    async resolve(issuer, kid, alg) {
      const state = states.get(issuer);
      if (state === undefined) throw new AuthError('token_issuer', `no key set is configured for issuer ${quote(issuer)}`);
      const known = find(issuer, kid, alg);
      const fresh = state.loadedAt !== undefined && now() - state.loadedAt < source.cacheTtlMs;
      if (known !== undefined && fresh) return known;
      const mayFetch = state.lastAttemptAt === undefined || now() - state.lastAttemptAt >= source.minRefetchIntervalMs;
      if (state.inFlight !== undefined) await state.inFlight;
      else if (mayFetch) await startFetch(issuer, state);
      const key = find(issuer, kid, alg);
      if (key !== undefined) return key;
      if (state.lastAttemptFailed) {
        throw new AuthError('auth_unavailable', `signing keys of ${owner(issuer)} could not be fetched`, { cause: state.lastError });
      }
      throw new AuthError('token_key_unknown', `${owner(issuer)} has no ${alg} key with kid ${quote(kid)}`);
    },
  };
}

function owner(issuer: string): string {
  return issuer === ANY_ISSUER ? 'the key set' : `issuer ${quote(issuer)}`;
}
