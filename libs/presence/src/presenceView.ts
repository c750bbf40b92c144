import type { Redis } from 'ioredis';
import { createLeaseCheck, decodeChanges, presenceChangesChannel, type PresenceChange, type Presence, type SessionLocation } from './presence';

/**
 * Presence held in memory and kept current, for the router: a group message to 1,000 members
 * would otherwise cost a Redis read of 1,000 hashes. The view is loaded from Redis and then follows
 * the changes every presence write announces on a channel, in the same Redis transaction as the
 * write, so it answers as a read of Redis issued at the same moment would, give or take the
 * channel's delivery. Leases are checked as Presence.sessionsOf checks them: a session on a
 * gateway whose lease lapsed is never returned.
 *
 * Whenever the view cannot be sure it saw every change (before it is loaded, while its
 * subscription is down, while it loads again after a reconnection) it answers from Redis instead.
 */
export interface PresenceView {
  start(): Promise<void>;
  stop(): Promise<void>;
  sessionsOf(userIds: readonly string[]): Promise<Map<string, SessionLocation[]>>;
  /** Whether answers come from memory (false while loading or resubscribing: they come from Redis). */
  current(): boolean;
}

export interface PresenceViewOptions {
  /** For reads: the initial load and the lease checks. */
  redis: Redis;
  /** A connection of its own, put in subscriber mode. */
  subscriber: Redis;
  namespace: string;
  /** Answers while the view is not current. */
  fallback: Presence;
  leaseCacheMs?: number;
  /** Pause before loading again after a failed load. */
  retryMs?: number;
  onProblem?: (message: string, err?: unknown) => void;
  now?: () => number;
}

const SCAN_COUNT = 1_000;

export function createPresenceView(options: PresenceViewOptions): PresenceView {
  const { redis, subscriber, namespace, fallback } = options;
  const channel = presenceChangesChannel(namespace);
  const sessionsPrefix = `${namespace}:sessions:`;
  const leases = createLeaseCheck({ redis, namespace, cacheMs: options.leaseCacheMs ?? 1_000, ...(options.now ? { now: options.now } : {}) });
  const retryMs = options.retryMs ?? 1_000;
  /** user -> session -> gateway */
  let byUser = new Map<string, Map<string, string>>();
  let isCurrent = false;
  /** Changes heard while a load runs, applied on top of what it read. */
  let heardWhileLoading: PresenceChange[] | undefined;
  let generation = 0;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;

  function apply(target: Map<string, Map<string, string>>, change: PresenceChange): void {
    switch (change.kind) {
      case 'added': {
        let sessions = target.get(change.userId);
        if (!sessions) target.set(change.userId, (sessions = new Map()));
        sessions.set(change.sessionId, change.gatewayId);
        return;
      }
      case 'removed': {
        const sessions = target.get(change.userId);
        if (!sessions) return;
        sessions.delete(change.sessionId);
        if (sessions.size === 0) target.delete(change.userId);
        return;
      }
      case 'gatewayForgotten':
        for (const [userId, sessions] of target) {
          for (const [sessionId, gatewayId] of sessions) if (gatewayId === change.gatewayId) sessions.delete(sessionId);
          if (sessions.size === 0) target.delete(userId);
        }
    }
  }

  function onMessage(from: string, message: string): void {
    if (from !== channel) return;
    const changes = decodeChanges(message);
    if (heardWhileLoading) heardWhileLoading.push(...changes);
    else if (isCurrent) for (const change of changes) apply(byUser, change);
  }

  async function readAll(): Promise<Map<string, Map<string, string>>> {
    const loaded = new Map<string, Map<string, string>>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${sessionsPrefix}*`, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (keys.length === 0) continue;
      const results = await redis.pipeline(keys.map((key) => ['hgetall', key])).exec();
      if (!results) throw new Error('redis discarded the pipeline');
      keys.forEach((key, i) => {
        const [err, hash] = results[i] ?? [new Error('no reply'), null];
        if (err) throw err;
        const entries = Object.entries((hash ?? {}) as Record<string, string>);
        if (entries.length > 0) loaded.set(key.slice(sessionsPrefix.length), new Map(entries));
      });
    } while (cursor !== '0');
    return loaded;
  }

  /** Subscribes (again), then reads everything; changes heard meanwhile go on top. */
  async function load(): Promise<void> {
    const mine = ++generation;
    isCurrent = false;
    heardWhileLoading = [];
    try {
      await subscriber.subscribe(channel);
      const loaded = await readAll();
      if (mine !== generation || stopped) return;
      for (const change of heardWhileLoading) apply(loaded, change);
      byUser = loaded;
      heardWhileLoading = undefined;
      isCurrent = true;
    } catch (err) {
      if (mine !== generation || stopped) return;
      heardWhileLoading = undefined;
      options.onProblem?.('presence view could not load; answering from Redis until it does', err);
      retryTimer = setTimeout(() => void load(), retryMs);
      retryTimer.unref();
    }
  }

  const lost = () => {
    if (!isCurrent && !heardWhileLoading) return;
    generation += 1;
    isCurrent = false;
    heardWhileLoading = undefined;
  };
  const regained = () => {
    if (!stopped) void load();
  };

  return {
    async start() {
      subscriber.on('message', onMessage);
      subscriber.on('close', lost);
      subscriber.on('end', lost);
      subscriber.on('reconnecting', lost);
      await load();
      // After the first load: every later 'ready' is a reconnection, after which changes may have been missed.
      subscriber.on('ready', regained);
    },
    async stop() {
      stopped = true;
      generation += 1;
      isCurrent = false;
      if (retryTimer) clearTimeout(retryTimer);
      subscriber.off('message', onMessage);
      subscriber.off('close', lost);
      subscriber.off('end', lost);
      subscriber.off('reconnecting', lost);
      subscriber.off('ready', regained);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
    current: () => isCurrent,
    async sessionsOf(userIds) {
      if (!isCurrent) return fallback.sessionsOf(userIds);
      const raw: [string, SessionLocation[]][] = [];
      const gateways = new Set<string>();
      for (const userId of new Set(userIds)) {
        const sessions = byUser.get(userId);
        if (!sessions) continue;
        const located: SessionLocation[] = [];
        for (const [sessionId, gatewayId] of sessions) {
          located.push({ sessionId, gatewayId });
          gateways.add(gatewayId);
        }
        raw.push([userId, located]);
      }
      const found = new Map<string, SessionLocation[]>();
      if (raw.length === 0) return found;
      const alive = await leases.liveGateways(gateways);
      for (const [userId, sessions] of raw) {
        const live = sessions.filter((s) => alive.has(s.gatewayId));
        if (live.length > 0) found.set(userId, live);
      }
      return found;
    },
  };
}
