import type { Session } from './session';

/** The sessions open on this gateway, by id and by user. */
export interface SessionRegistry {
  add(session: Session): void;
  remove(session: Session): void;
  get(sessionId: string): Session | undefined;
  ofUser(userId: string): readonly Session[];
  all(): Session[];
  size(): number;
}

export function createSessionRegistry(): SessionRegistry {
  const byId = new Map<string, Session>();
  const byUser = new Map<string, Set<Session>>();
  return {
    add(session) {
      byId.set(session.id, session);
      let set = byUser.get(session.userId);
      if (!set) byUser.set(session.userId, (set = new Set()));
      set.add(session);
    },
    remove(session) {
      if (byId.get(session.id) === session) byId.delete(session.id);
      const set = byUser.get(session.userId);
      set?.delete(session);
      if (set?.size === 0) byUser.delete(session.userId);
    },
    get: (sessionId) => byId.get(sessionId),
    ofUser: (userId) => [...(byUser.get(userId) ?? [])],
    all: () => [...byId.values()],
    size: () => byId.size,
  };
}
