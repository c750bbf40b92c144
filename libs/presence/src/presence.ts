import type { Redis } from 'ioredis';

export interface SessionLocation {
  sessionId: string;
  gatewayId: string;
}

/**
 * Presence in Redis. Each user has a hash of session id -> gateway id; each gateway holds a lease
 * key it renews while alive. A session whose gateway's lease has lapsed is treated as gone, so a
 * crashed gateway cannot leave users looking online, and no disconnect event can be lost.
 */
export interface Presence {
  register(userId: string, sessionId: string, gatewayId: string): Promise<number>;
  unregister(userId: string, sessionId: string): Promise<void>;
  renewGatewayLease(gatewayId: string, ttlMs: number): Promise<void>;
  releaseGatewayLease(gatewayId: string): Promise<void>;
  /** Live sessions of each user (users without any are absent from the map). */
  sessionsOf(userIds: readonly string[]): Promise<Map<string, SessionLocation[]>>;
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
  const leaseCache = new Map<string, { alive: boolean; checkedAt: number }>();

  async function liveGateways(gatewayIds: Iterable<string>): Promise<Set<string>> {
    const alive = new Set<string>();
    const unknown: string[] = [];
    for (const id of gatewayIds) {
      const cached = leaseCache.get(id);
      if (cached && now() - cached.checkedAt < leaseCacheMs) {
        if (cached.alive) alive.add(id);
      } else unknown.push(id);
    }
    if (unknown.length > 0) {
      const results = await redis.pipeline(unknown.map((id) => ['exists', leaseKey(id)])).exec();
      unknown.forEach((id, i) => {
        const isAlive = results?.[i]?.[1] === 1;
        leaseCache.set(id, { alive: isAlive, checkedAt: now() });
        if (isAlive) alive.add(id);
      });
    }
    return alive;
  }

  return {
    async register(userId, sessionId, gatewayId) {
      const results = await redis.multi().hset(sessionsKey(userId), sessionId, gatewayId).hlen(sessionsKey(userId)).exec();
      return Number(results?.[1]?.[1] ?? 0);
    },
    async unregister(userId, sessionId) {
      await redis.hdel(sessionsKey(userId), sessionId);
    },
    async renewGatewayLease(gatewayId, ttlMs) {
      await redis.set(leaseKey(gatewayId), String(now()), 'PX', ttlMs);
      leaseCache.set(gatewayId, { alive: true, checkedAt: now() });
    },
    async releaseGatewayLease(gatewayId) {
      await redis.del(leaseKey(gatewayId));
      leaseCache.delete(gatewayId);
    },
    async sessionsOf(userIds) {
      const unique = [...new Set(userIds)];
      const found = new Map<string, SessionLocation[]>();
      if (unique.length === 0) return found;
      const results = await redis.pipeline(unique.map((u) => ['hgetall', sessionsKey(u)])).exec();
      const raw = new Map<string, SessionLocation[]>();
      const gateways = new Set<string>();
      unique.forEach((userId, i) => {
        const hash = (results?.[i]?.[1] ?? {}) as Record<string, string>;
        const sessions = Object.entries(hash).map(([sessionId, gatewayId]) => ({ sessionId, gatewayId }));
        for (const s of sessions) gateways.add(s.gatewayId);
        if (sessions.length > 0) raw.set(userId, sessions);
      });
      const alive = await liveGateways(gateways);
      for (const [userId, sessions] of raw) {
        const live = sessions.filter((s) => alive.has(s.gatewayId));
        if (live.length > 0) found.set(userId, live);
      }
      return found;
    },
  };
}
