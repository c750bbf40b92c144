import type { JwkKey } from './parseJwks';

/**
 * Signing keys addressed by issuer and kid together. There is deliberately no lookup by kid alone:
 * two issuers may both publish a "k1", and a key of one must never verify a token of the other.
 */
export interface JwksKeyCache {
  /** Keys of `issuer` with this kid (usually one; several when they differ in algorithm). */
  get(issuer: string, kid: string): readonly JwkKey[];
  /** Replaces every key of `issuer` with a freshly fetched set; other issuers are untouched. */
  replace(issuer: string, keys: readonly JwkKey[]): void;
}

export function createJwksKeyCache(): JwksKeyCache {
  const keys = new Map<string, JwkKey[]>();
  const entriesOf = new Map<string, string[]>();
  return {
    get: (issuer, kid) => keys.get(cacheKey(issuer, kid)) ?? [],
    replace(issuer, fresh) {
      for (const entry of entriesOf.get(issuer) ?? []) keys.delete(entry);
      const entries: string[] = [];
      for (const jwk of fresh) {
        const entry = cacheKey(issuer, jwk.kid);
        const existing = keys.get(entry);
        if (existing) existing.push(jwk);
        else {
          keys.set(entry, [jwk]);
          entries.push(entry);
        }
      }
      entriesOf.set(issuer, entries);
    },
  };
}

/** JSON keeps the pair unambiguous whatever characters issuer and kid contain. */
function cacheKey(issuer: string, kid: string): string {
  return JSON.stringify([issuer, kid]);
}
