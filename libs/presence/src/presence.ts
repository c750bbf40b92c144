import type { Redis } from 'ioredis';

export interface SessionLocation {
  sessionId: string;
  gatewayId: string;
}

/**
 * Presence in Redis. Each user has a hash of session id -> gateway id; each gateway holds a lease
 * key it renews while alive. A session whose gateway's lease has lapsed is treated as gone, so a
 * crashed gateway cannot leave users looking online, and no disconnect event can be lost.
 *
 * Each gateway also has a set of the sessions registered under its id. A gateway restarted after a
 * crash keeps its id and takes the lease again at once, which would make the sessions its dead
 * predecessor never unregistered look alive (counted against the user's session limit, and sent
 * deliveries); it forgets them (`forgetGateway`) before it accepts connections.
 */
export interface Presence {
  register(userId: string, sessionId: string, gatewayId: string): Promise<number>;
  unregister(userId: string, sessionId: string): Promise<void>;
  /** Removes every session registered under this gateway id; returns how many there were. */
  forgetGateway(gatewayId: string): Promise<number>;
  /** Registers many sessions of one gateway at once, e.g. again after Redis lost them. */
  registerAll(sessions: readonly { userId: string; sessionId: string }[], gatewayId: string): Promise<void>;
  /**
   * Renews (or creates) the gateway's lease. Resolves false when there was no lease to renew: it
   * expired, or Redis lost it (a restart without persistence, a failover), and with it, possibly,
   * the gateway's sessions.
   */
  renewGatewayLease(gatewayId: string, ttlMs: number): Promise<boolean>;
  releaseGatewayLease(gatewayId: string): Promise<void>;
  /** Live sessions of each user (users without any are absent from the map). */
  sessionsOf(userIds: readonly string[]): Promise<Map<string, SessionLocation[]>>;
}

/** The Redis channel on which every change of presence is announced, for views kept in memory (presenceView.ts). */
export function presenceChangesChannel(namespace: string): string {
  return `${namespace}:presence-changes`;
}

export interface PresenceOptions {
  redis: Redis;
  namespace: string;
  /** How long a lease check is trusted before asking Redis again. */
  leaseCacheMs?: number;
  now?: () => number;
}

export function createPresence(options: PresenceOptions): Presence {
  const { redis, namespace } = options;
  const now = options.now ?? Date.now;
  const leaseCacheMs = options.leaseCacheMs ?? 1_000;
  const sessionsKey = (userId: string) => `${namespace}:sessions:${userId}`;
  const leaseKey = (gatewayId: string) => `${namespace}:gateway:${gatewayId}`;
  const gatewaySessionsKey = (gatewayId: string) => `${namespace}:gateway-sessions:${gatewayId}`;
  // User ids and session ids never contain a line break.
  const member = (userId: string, sessionId: string) => `${userId}\n${sessionId}`;
  const channel = presenceChangesChannel(namespace);
  const leases = createLeaseCheck({ redis, namespace, cacheMs: leaseCacheMs, now });

  return {
    async register(userId, sessionId, gatewayId) {
      const results = await redis
        .multi()
        .hset(sessionsKey(userId), sessionId, gatewayId)
        .sadd(gatewaySessionsKey(gatewayId), member(userId, sessionId))
        .hlen(sessionsKey(userId))
        .publish(channel, encodeChanges([{ kind: 'added', userId, sessionId, gatewayId }]))
        .exec()
        .then(throwFirstError);
      return Number(results[2]?.[1] ?? 0);
    },
    async unregister(userId, sessionId) {
      const gatewayId = await redis.hget(sessionsKey(userId), sessionId);
      const transaction = redis.multi().hdel(sessionsKey(userId), sessionId);
      if (gatewayId !== null) transaction.srem(gatewaySessionsKey(gatewayId), member(userId, sessionId));
      transaction.publish(channel, encodeChanges([{ kind: 'removed', userId, sessionId }]));
      await transaction.exec().then(throwFirstError);
    },
    async forgetGateway(gatewayId) {
      const members = await redis.smembers(gatewaySessionsKey(gatewayId));
      const commands: string[][] = members.flatMap((m) => {
        const [userId, sessionId] = m.split('\n');
        return userId && sessionId ? [['hdel', sessionsKey(userId), sessionId]] : [];
      });
      await redis
        .pipeline([...commands, ['del', gatewaySessionsKey(gatewayId)], ['publish', channel, encodeChanges([{ kind: 'gatewayForgotten', gatewayId }])]])
        .exec()
        .then(throwFirstError);
      return members.length;
    },
    async registerAll(sessions, gatewayId) {
      if (sessions.length === 0) return;
      const commands = sessions.flatMap((s) => [
        ['hset', sessionsKey(s.userId), s.sessionId, gatewayId],
        ['sadd', gatewaySessionsKey(gatewayId), member(s.userId, s.sessionId)],
      ]);
      const announced = encodeChanges(sessions.map((s) => ({ kind: 'added' as const, userId: s.userId, sessionId: s.sessionId, gatewayId })));
      await redis.pipeline([...commands, ['publish', channel, announced]]).exec().then(throwFirstError);
    },
    async renewGatewayLease(gatewayId, ttlMs) {
      const results = await redis.multi().exists(leaseKey(gatewayId)).set(leaseKey(gatewayId), String(now()), 'PX', ttlMs).exec().then(throwFirstError);
      leases.remember(gatewayId, true);
      return results[0]?.[1] === 1;
    },
    async releaseGatewayLease(gatewayId) {
      await redis.del(leaseKey(gatewayId));
      leases.forget(gatewayId);
    },
    async sessionsOf(userIds) {
      const unique = [...new Set(userIds)];
      const found = new Map<string, SessionLocation[]>();
      if (unique.length === 0) return found;
      const results = await redis.pipeline(unique.map((u) => ['hgetall', sessionsKey(u)])).exec().then(throwFirstError);
      const raw = new Map<string, SessionLocation[]>();
      const gateways = new Set<string>();
      unique.forEach((userId, i) => {
        const hash = (results[i]?.[1] ?? {}) as Record<string, string>;
        const sessions = Object.entries(hash).map(([sessionId, gatewayId]) => ({ sessionId, gatewayId }));
        for (const s of sessions) gateways.add(s.gatewayId);
        if (sessions.length > 0) raw.set(userId, sessions);
      });
      const alive = await leases.liveGateways(gateways);
      for (const [userId, sessions] of raw) {
        const live = sessions.filter((s) => alive.has(s.gatewayId));
        if (live.length > 0) found.set(userId, live);
      }
      return found;
    },
  };
}

/** Whether gateways hold their leases, each answer trusted for `cacheMs`. */
export interface LeaseCheck {
  liveGateways(gatewayIds: Iterable<string>): Promise<Set<string>>;
  remember(gatewayId: string, alive: boolean): void;
  forget(gatewayId: string): void;
}

export function createLeaseCheck(options: { redis: Redis; namespace: string; cacheMs: number; now?: () => number }): LeaseCheck {
  const { redis, cacheMs } = options;
  const now = options.now ?? Date.now;
  const leaseKey = (gatewayId: string) => `${options.namespace}:gateway:${gatewayId}`;
  const cache = new Map<string, { alive: boolean; checkedAt: number }>();
  return {
    async liveGateways(gatewayIds) {
      const alive = new Set<string>();
      const unknown: string[] = [];
      for (const id of gatewayIds) {
        const cached = cache.get(id);
        if (cached && now() - cached.checkedAt < cacheMs) {
          if (cached.alive) alive.add(id);
        } else unknown.push(id);
      }
      if (unknown.length > 0) {
        const results = await redis.pipeline(unknown.map((id) => ['exists', leaseKey(id)])).exec().then(throwFirstError);
        unknown.forEach((id, i) => {
          const isAlive = results[i]?.[1] === 1;
          cache.set(id, { alive: isAlive, checkedAt: now() });
          if (isAlive) alive.add(id);
        });
      }
      return alive;
    },
    remember(gatewayId, alive) {
      cache.set(gatewayId, { alive, checkedAt: now() });
    },
    forget(gatewayId) {
      cache.delete(gatewayId);
    },
  };
}

/** A change of presence, as announced on the changes channel. */
export type PresenceChange =
  | { kind: 'added'; userId: string; sessionId: string; gatewayId: string }
  | { kind: 'removed'; userId: string; sessionId: string }
  | { kind: 'gatewayForgotten'; gatewayId: string };

// One change per line, fields separated by tabs; ids never hold a tab or a line break.
export function encodeChanges(changes: readonly PresenceChange[]): string {
  return changes
    .map((c) => (c.kind === 'added' ? `+\t${c.userId}\t${c.sessionId}\t${c.gatewayId}` : c.kind === 'removed' ? `-\t${c.userId}\t${c.sessionId}` : `!\t${c.gatewayId}`))
    .join('\n');
}

/** The changes of one announcement; lines that are not changes are left out. */
export function decodeChanges(message: string): PresenceChange[] {
  const changes: PresenceChange[] = [];
  for (const line of message.split('\n')) {
    const [op, a, b, c] = line.split('\t');
    if (op === '+' && a && b && c) changes.push({ kind: 'added', userId: a, sessionId: b, gatewayId: c });
    else if (op === '-' && a && b) changes.push({ kind: 'removed', userId: a, sessionId: b });
    else if (op === '!' && a) changes.push({ kind: 'gatewayForgotten', gatewayId: a });
  }
  return changes;
}

/**
 * A pipeline or transaction resolves with one [error, result] per command. A failed command must
 * not pass for an empty answer: "Redis did not answer" is not "the user has no session".
 */
function throwFirstError(results: [Error | null, unknown][] | null): [Error | null, unknown][] {
  if (!results) throw new Error('redis discarded the transaction');
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return results;
}
