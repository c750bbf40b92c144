/** The part of a fetch Response the key loader reads; the global `fetch` satisfies it. */
export interface JwksFetchResponse {
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}

/** Fetches a JWKS document; injected in tests, the global `fetch` otherwise. */
export type JwksFetch = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<JwksFetchResponse>;
