import type { Session } from './session';

/** The sessions open on this gateway, by id and by user. */
export interface SessionRegistry {
  add(session: Session): void;
  remove(session: Session): void;
  get(sessionId: string): Session | undefined;
  /** A copy of the user's sessions. */
  ofUser(userId: string): readonly Session[];
  /** Calls `visit` with each of the user's sessions as they were at the call, without a copy. */
  forEachOfUser(userId: string, visit: (session: Session) => void): void;
  all(): Session[];
  size(): number;
}

/**
 * Most users have one session on a gateway: it is held as it is, and only a user with more gets an
 * array, so a connection costs one entry in each map and no object of its own here. Arrays are
 * replaced, never changed, so a visit is not disturbed by sessions coming and going.
 */
type UserSessions = Session | Session[];

export function createSessionRegistry(): SessionRegistry {
  const byId = new Map<string, Session>();
  const byUser = new Map<string, UserSessions>();
  return {
    add(session) {
      byId.set(session.id, session);
      const held = byUser.get(session.userId);
      if (held === undefined) byUser.set(session.userId, session);
      else if (Array.isArray(held)) {
        if (!held.includes(session)) byUser.set(session.userId, [...held, session]);
      } else if (held !== session) byUser.set(session.userId, [held, session]);
    },
    remove(session) {
      if (byId.get(session.id) === session) byId.delete(session.id);
      const held = byUser.get(session.userId);
      if (held === session) byUser.delete(session.userId);
      else if (Array.isArray(held)) {
        const rest = held.filter((s) => s !== session);
        if (rest.length === 0) byUser.delete(session.userId);
        else byUser.set(session.userId, rest.length === 1 ? (rest[0] as Session) : rest);
      }
    },
    get: (sessionId) => byId.get(sessionId),
    ofUser(userId) {
      const held = byUser.get(userId);
      if (held === undefined) return [];
      return Array.isArray(held) ? [...held] : [held];
    },
    forEachOfUser(userId, visit) {
      const held = byUser.get(userId);
      if (held === undefined) return;
      if (!Array.isArray(held)) return visit(held);
      for (const session of held) visit(session);
    },
    all: () => [...byId.values()],
    size: () => byId.size,
  };
}
