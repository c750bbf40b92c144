import type { JwksFetch } from '../jwks/jwksFetch';

type Reply = { keys: Record<string, unknown>[] } | { status: number } | { error: string };

/**
 * An injected fetch serving JWKS documents from memory, counting requests per URL. `hold()` parks
 * the next requests until `release()`, to test that concurrent callers share one request.
 */
export function fakeJwks() {
  const replies = new Map<string, Reply>();
  const counts = new Map<string, number>();
  let held: (() => void)[] | undefined;

  const fetch: JwksFetch = async (url) => {
    counts.set(url, (counts.get(url) ?? 0) + 1);
    if (held) await new Promise<void>((resolve) => held?.push(resolve));
    const reply = replies.get(url) ?? { status: 404 };
    if ('error' in reply) throw new Error(reply.error);
    if ('status' in reply) return { ok: false, status: reply.status, json: async () => ({}) };
    const body = structuredClone(reply);
    return { ok: true, status: 200, json: async () => body };
  };

  return {
    fetch,
    serve(url: string, keys: Record<string, unknown>[]): void {
      replies.set(url, { keys });
    },
    failWith(url: string, reply: { status: number } | { error: string }): void {
      replies.set(url, reply);
    },
    count: (url: string): number => counts.get(url) ?? 0,
    hold(): void {
      held = [];
    },
    release(): void {
      const waiting = held ?? [];
      held = undefined;
      for (const resume of waiting) resume();
    },
  };
}
