import type { Session } from './session';

export type IdleAction = 'none' | 'ping' | 'close';

/**
 * What to do with a session quiet for `quietMs`: ping it once after half the idle timeout (a live
 * client answers with a pong, which counts as activity), close it when the whole timeout passed.
 */
export function idleAction(quietMs: number, pingedSinceSeen: boolean, idleTimeoutMs: number): IdleAction {
  if (quietMs >= idleTimeoutMs) return 'close';
  if (quietMs >= idleTimeoutMs / 2 && !pingedSinceSeen) return 'ping';
  return 'none';
}

export interface HeartbeatOptions {
  idleTimeoutMs: number;
  now?: () => number;
  /** How often the watched sessions are checked (default: an eighth of the timeout, at most 1 s). */
  sweepIntervalMs?: number;
}

/**
 * Idle detection and token expiry for every open session, with one timer for all of them while any
 * is watched: no session has a timer of its own.
 */
export interface Heartbeat {
  watch(session: Session): void;
  unwatch(session: Session): void;
  /** Checks every watched session once; the timer calls it. */
  sweep(): void;
}

/**
 * Runs the idle timeout in the application rather than in uWS, whose own timeout drops the
 * connection without a close frame: here a quiet client is closed with 4010 idle_timeout. A
 * session whose access token expired is closed with 4001 unauthorized by the same sweep, so at
 * most one sweep interval (1 s by default) after the expiry.
 */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const now = options.now ?? Date.now;
  const intervalMs = options.sweepIntervalMs ?? Math.min(1_000, options.idleTimeoutMs / 8);
  /** Each session, with the lastSeenAt it had when it was pinged. */
  const watched = new Map<Session, number | undefined>();
  let timer: NodeJS.Timeout | undefined;

  /** One session's turn in the sweep; forEach rather than for-of, which would allocate an entry per session and sweep. */
  function check(pingedFor: number | undefined, session: Session, at: number): void {
    const { expiresAt } = session;
    if (expiresAt !== undefined && expiresAt <= at) {
      watched.delete(session);
      session.close('unauthorized');
      return;
    }
    const seenAt = session.lastSeenAt();
    const action = idleAction(at - seenAt, pingedFor === seenAt, options.idleTimeoutMs);
    if (action === 'ping') {
      watched.set(session, seenAt);
      session.ping();
    } else if (action === 'close') {
      watched.delete(session);
      session.close('idle_timeout');
    }
  }

  function sweep(): void {
    const at = now();
    watched.forEach((pingedFor, session) => check(pingedFor, session, at));
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    watch(session) {
      watched.set(session, undefined);
      if (!timer) {
        timer = setInterval(sweep, intervalMs);
        timer.unref();
      }
    },
    unwatch(session) {
      watched.delete(session);
      if (watched.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    sweep,
  };
}
