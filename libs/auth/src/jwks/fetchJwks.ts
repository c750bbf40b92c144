import type { JwksFetch } from './jwksFetch';
import { parseJwks, type JwkKey } from './parseJwks';

/** Fetches and parses one JWKS document, failing when it takes longer than `timeoutMs`. */
export async function fetchJwks(fetch: JwksFetch, url: string, timeoutMs: number): Promise<JwkKey[]> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`JWKS fetch took longer than ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([load(fetch, url, controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function load(fetch: JwksFetch, url: string, signal: AbortSignal): Promise<JwkKey[]> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`JWKS fetch answered HTTP ${response.status}`);
  return parseJwks(await response.json());
}
