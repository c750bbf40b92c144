import type { Session } from './session';

/**
 * Keeps a replay from running ahead of what the client has read. The session is pinged after each
 * page pushed; a client answers a ping only once it has read every frame sent before it, so a pong
 * (or any frame) heard after the ping says the page was read. At most `pages` pages may be unread
 * at once: a replay waits for the oldest before it pushes another. Without this, a backlog is
 * pushed as fast as the persister reads it, and a client that reads more slowly than that would be
 * cut off as a slow consumer (4009) part way through its resume.
 *
 * A client that answers nothing for `maxWaitMs` is not waited for any longer: the slow-consumer
 * limit decides about it, as for any other push. Times are in milliseconds, so a frame heard in
 * the same millisecond as a ping, just before it, counts as its answer: the window is then one
 * page wider, never narrower.
 */
export interface ReplayWindow {
  /** A page was pushed. */
  pushed(): void;
  /** Resolves once fewer than `pages` pushed pages are unread, the wait ran out, or the session closed. */
  room(): Promise<void>;
}

export interface ReplayWindowOptions {
  pages: number;
  maxWaitMs: number;
  /** How often the client's last sign of life is looked at while waiting; default 1 ms. */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createReplayWindow(session: Pick<Session, 'ping' | 'lastSeenAt' | 'isOpen'>, options: ReplayWindowOptions): ReplayWindow {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = options.pollMs ?? 1;
  /** When each unread page's ping was sent, oldest first. */
  const unread: number[] = [];

  /** Drops the pings answered since (a frame heard at or after the ping) and the ones waited for too long. */
  function settle(): void {
    const heard = session.lastSeenAt();
    while (unread.length > 0 && (unread[0]! <= heard || now() - unread[0]! >= options.maxWaitMs)) unread.shift();
  }

  return {
    pushed() {
      unread.push(now());
      session.ping();
    },
    async room() {
      for (settle(); unread.length >= options.pages && session.isOpen(); settle()) await sleep(pollMs);
    },
  };
}
