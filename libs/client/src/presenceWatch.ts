import type { Timers } from './timers';
import type { UserPresence } from './wire';

export interface PresenceWatchDeps {
  userIds: readonly string[];
  intervalMs: number;
  timers: Timers;
  /** One `presence` request. */
  fetch: (userIds: readonly string[]) => Promise<Record<string, UserPresence>>;
  isConnected: () => boolean;
  /** Calls `listener` on every change of the connection state; returns a function that stops it. */
  onStateChange: (listener: () => void) => () => void;
  /** The users whose presence differs from what was last reported (all of them the first time), and everyone's. */
  onChange: (changed: Record<string, UserPresence>, all: Record<string, UserPresence>) => void;
  /** A poll that failed; the next one comes at the usual interval. */
  problem: (err: unknown) => void;
}

const same = (a: UserPresence | undefined, b: UserPresence) => a !== undefined && a.online === b.online && a.sessions === b.sessions;

/**
 * Polls presence while connected and reports only changes. Presence is a snapshot: the protocol
 * pushes nothing when someone comes or goes, so a change shows up at the next poll. A new
 * connection polls at once. Returns a function that stops the watch.
 */
export function watchPresence(deps: PresenceWatchDeps): () => void {
  const { timers } = deps;
  const last = new Map<string, UserPresence>();
  let stopped = false;
  let polling = false;
  let timer: unknown;

  function cancelTimer(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  function report(now: Record<string, UserPresence>): void {
    const changed: [string, UserPresence][] = [];
    for (const userId of deps.userIds) {
      const entry = Object.prototype.hasOwnProperty.call(now, userId) ? now[userId] : undefined;
      if (!entry || same(last.get(userId), entry)) continue;
      last.set(userId, entry);
      changed.push([userId, entry]);
    }
    if (changed.length > 0) deps.onChange(Object.fromEntries(changed), Object.fromEntries(last));
  }

  async function poll(): Promise<void> {
    timer = undefined;
    if (stopped || polling || !deps.isConnected()) return;
    polling = true;
    try {
      const now = await deps.fetch(deps.userIds);
      if (!stopped) report(now);
    } catch (err) {
      if (!stopped) deps.problem(err);
    } finally {
      polling = false;
      if (!stopped && deps.isConnected() && timer === undefined) timer = timers.setTimeout(() => void poll(), deps.intervalMs);
    }
  }

  const stopListening = deps.onStateChange(() => {
    if (stopped) return;
    if (!deps.isConnected()) return cancelTimer();
    if (timer === undefined && !polling) void poll();
  });
  void poll();

  return () => {
    stopped = true;
    cancelTimer();
    stopListening();
  };
}
