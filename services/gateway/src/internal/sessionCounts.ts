import type { Presence } from '@switchboard/presence';

/**
 * How many live sessions each user has, for `presence` requests. Redis that does not answer within
 * `timeoutMs` counts as unavailable: the client is told to retry instead of waiting on a reconnecting
 * connection's offline queue.
 */
export function createSessionCounts(presence: Pick<Presence, 'sessionsOf'>, timeoutMs: number): (userIds: readonly string[]) => Promise<Map<string, number>> {
  return async (userIds) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`presence did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const sessions = await Promise.race([presence.sessionsOf(userIds), timedOut]);
      return new Map([...sessions].map(([userId, live]) => [userId, live.length]));
    } finally {
      clearTimeout(timer);
    }
  };
}
