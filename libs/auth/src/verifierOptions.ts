import type { SupportedAlgorithm } from './algorithms';
import type { JwksFetch } from './jwks/jwksFetch';

/** How key sets are fetched and kept; shared by every issuer of a verifier. */
export interface JwksFetchSettings {
  /** Fetches key sets; defaults to the global `fetch`. */
  readonly fetch?: JwksFetch;
  /** How long a fetched key set is used before it is fetched again (default 10 minutes). */
  readonly cacheTtlMs?: number;
  /** At most one fetch per issuer in this interval, whatever the tokens ask for (default 30 s). */
  readonly minRefetchIntervalMs?: number;
  /** A fetch that takes longer fails (default 5 s). */
  readonly timeoutMs?: number;
}

/** One key set, trusted for every issuer the verifier accepts. */
export interface JwksSource extends JwksFetchSettings {
  readonly url: string;
}

/** One key set per issuer: a token is only ever checked against the keys of the issuer it names. */
export interface JwksByIssuer extends JwksFetchSettings {
  /** Issuer (`iss`) -> JWKS URL. */
  readonly byIssuer: Readonly<Record<string, string>>;
}

export interface TokenVerifierOptions {
  /** Accepted `alg` values. HS256 cannot be mixed with RS256/ES256. */
  readonly algorithms: readonly SupportedAlgorithm[];
  /** HS256 shared secret, at least 32 bytes. */
  readonly secret?: string;
  /** PEM public key for RS256 or ES256. */
  readonly publicKey?: string;
  /** Where RS256/ES256 keys are published, selected by the token's `kid`. */
  readonly jwks?: JwksSource | JwksByIssuer;
  /** Required `aud`. */
  readonly audience?: string;
  /** Accepted `iss` values. */
  readonly issuer?: string | readonly string[];
  /** Allowed clock skew for exp, nbf and iat, in seconds (default 5). */
  readonly clockToleranceSec?: number;
  /** Refuse tokens issued (`iat`) longer ago than this, in seconds. */
  readonly maxTokenAgeSec?: number;
  /** Current time in epoch milliseconds (default Date.now). */
  readonly now?: () => number;
}
