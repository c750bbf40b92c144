import type { Kafka, Producer, ProducerConfig } from 'kafkajs';

/**
 * kafkajs asks the cluster for the transaction coordinator before every AddPartitionsToTxn,
 * AddOffsetsToTxn and EndTxn, and for the group coordinator before every TxnOffsetCommit: four
 * FindCoordinator round trips per consume-produce transaction. This remembers the answers per
 * (coordinator type, key) and forgets one when its broker says it is not (or not yet) the
 * coordinator, when a request to it fails on the connection, or when its connection is closed.
 */

/** What the cache needs of a kafkajs broker. */
export interface CoordinatorBroker {
  isConnected(): boolean;
}

export interface CoordinatorQuery {
  groupId: string;
  /** 0 group, 1 transaction (kafkajs's COORDINATOR_TYPES); kafkajs defaults to group. */
  coordinatorType?: number;
}

export type CoordinatorLookup<B extends CoordinatorBroker> = (query: CoordinatorQuery) => Promise<B>;

export interface CoordinatorCache<B extends CoordinatorBroker> {
  /** Same contract as kafkajs's cluster.findGroupCoordinator. */
  find: CoordinatorLookup<B>;
  readonly stats: { lookups: number; hits: number; invalidations: number; reissued: number; concurrentRetries: number };
}

export interface CoordinatorCacheOptions {
  /**
   * Waits (ms) before sending AddPartitionsToTxn or AddOffsetsToTxn again when the coordinator
   * answers CONCURRENT_TRANSACTIONS; once they are used up the error goes to kafkajs, which
   * retries as usual. Empty: kafkajs retries every time.
   */
  concurrentTransactionsRetryMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

// The coordinator answers CONCURRENT_TRANSACTIONS to the next transaction's first request until
// the last commit's markers are written, typically a few ms after EndTxn returned. Uncached, the
// FindCoordinator round trip before it mostly covered that time; cached, the request comes right
// away, and kafkajs's own retry refreshes the metadata before sending it again. Retrying here
// sends only the request again.
export const CONCURRENT_TRANSACTIONS_RETRY_MS: readonly number[] = [1, 1, 2, 2, 3, 4, 6, 8, 12, 16];
const CONCURRENT_RETRIED = new Set(['addPartitionsToTxn', 'addOffsetsToTxn']);

// The requests kafkajs sends to a coordinator it looked up. A NOT_COORDINATOR answer to one of
// them means the broker did nothing, so it is sent again, once, to the coordinator looked up anew:
// uncached, kafkajs would have asked just before sending, and EndTxn and TxnOffsetCommit are not
// retried by kafkajs on that error (its retry list spells the error names differently).
const COORDINATOR_REQUESTS = new Set(['initProducerId', 'addPartitionsToTxn', 'addOffsetsToTxn', 'endTxn', 'txnOffsetCommit']);

// kafkajs names the errors by their old names; newer names are accepted in case that changes.
const MOVED = new Set(['NOT_COORDINATOR', 'NOT_COORDINATOR_FOR_GROUP', 'COORDINATOR_NOT_AVAILABLE', 'GROUP_COORDINATOR_NOT_AVAILABLE']);
const LOADING = new Set(['COORDINATOR_LOAD_IN_PROGRESS', 'GROUP_LOAD_IN_PROGRESS']);
const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Why an error from a coordinator request makes the cached coordinator doubtful: `moved` (it is
 * not the coordinator, or none is available there), `loading` (it is, but not ready yet),
 * `connection` (the request or the connection failed), or undefined when it says nothing about
 * the coordinator (CONCURRENT_TRANSACTIONS, fencing, invalid state, ...).
 */
export function coordinatorErrorKind(err: unknown): 'moved' | 'loading' | 'connection' | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { type?: unknown; name?: unknown; code?: unknown };
  if (typeof e.type === 'string') {
    if (MOVED.has(e.type)) return 'moved';
    if (LOADING.has(e.type)) return 'loading';
  }
  if (typeof e.name === 'string' && CONNECTION_ERRORS.has(e.name)) return 'connection';
  if (typeof e.code === 'string' && SOCKET_CODES.has(e.code)) return 'connection';
  return undefined;
}

export function createCoordinatorCache<B extends CoordinatorBroker>(lookup: CoordinatorLookup<B>, options: CoordinatorCacheOptions = {}): CoordinatorCache<B> {
  const entries = new Map<string, Promise<B>>();
  const stats = { lookups: 0, hits: 0, invalidations: 0, reissued: 0, concurrentRetries: 0 };
  const waits = options.concurrentTransactionsRetryMs ?? [];
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Sends a request, again after each wait while the coordinator answers CONCURRENT_TRANSACTIONS. */
  const send = async (request: () => Promise<unknown>, retried: boolean): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (err) {
        const wait = waits[attempt];
        if (!retried || wait === undefined || (err as { type?: unknown } | null)?.type !== 'CONCURRENT_TRANSACTIONS') throw err;
        stats.concurrentRetries += 1;
        await sleep(wait);
      }
    }
  };
  const keyOf = (q: CoordinatorQuery) => `${q.coordinatorType ?? 0}:${q.groupId}`;

  /** Forgets the entry for `key` if it still is `entry` (a newer lookup is kept). */
  const forget = (key: string, entry: Promise<B>) => {
    if (entries.get(key) !== entry) return;
    entries.delete(key);
    stats.invalidations += 1;
  };

  const lookUp = (key: string, query: CoordinatorQuery): Promise<B> => {
    stats.lookups += 1;
    const entry = lookup(query);
    entries.set(key, entry);
    entry.catch(() => forget(key, entry));
    return entry;
  };

  const resolve = async (query: CoordinatorQuery): Promise<{ broker: B; entry: Promise<B> }> => {
    const key = keyOf(query);
    const cached = entries.get(key);
    if (cached) {
      const broker = await cached.catch(() => undefined);
      if (broker?.isConnected()) {
        stats.hits += 1;
        return { broker, entry: cached };
      }
      forget(key, cached);
    }
    const entry = entries.get(key) ?? lookUp(key, query);
    return { broker: await entry, entry };
  };

  const guard = (query: CoordinatorQuery, broker: B, entry: Promise<B>, reissue: boolean): B =>
    new Proxy(broker, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof prop !== 'string' || !COORDINATOR_REQUESTS.has(prop) || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          try {
            return await send(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args), CONCURRENT_RETRIED.has(prop));
          } catch (err) {
            const kind = coordinatorErrorKind(err);
            if (kind === undefined) throw err;
            forget(keyOf(query), entry);
            if (kind !== 'moved' || !reissue) throw err;
            stats.reissued += 1;
            const fresh = await resolve(query);
            const again = guard(query, fresh.broker, fresh.entry, false) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
            return again[prop]!(...args);
          }
        };
      },
    });

  return {
    stats,
    find: async (query) => {
      const { broker, entry } = await resolve(query);
      return guard(query, broker, entry, true);
    },
  };
}

interface ClusterLike {
  findGroupCoordinator: CoordinatorLookup<CoordinatorBroker>;
}

/** The Kafka instance's cluster factory, which kafkajs keeps under a private symbol. */
const CREATE_CLUSTER = 'private:Kafka:createCluster';

/**
 * A kafkajs producer (typically transactional) whose coordinator look-ups are cached. Its cluster
 * is private to kafkajs, so it is caught as kafka.producer() makes it (synchronously) and only
 * that cluster's findGroupCoordinator is wrapped; other producers, consumers and admins of the
 * same Kafka instance are unaffected. Throws if kafkajs's internals are not as expected (checked
 * against kafkajs 2.2.4), rather than silently doing nothing. By default CONCURRENT_TRANSACTIONS
 * answers are retried at the coordinator (CONCURRENT_TRANSACTIONS_RETRY_MS).
 */
export function producerWithCoordinatorCache(
  kafka: Kafka,
  config: ProducerConfig,
  options: CoordinatorCacheOptions = { concurrentTransactionsRetryMs: CONCURRENT_TRANSACTIONS_RETRY_MS },
): { producer: Producer; coordinators: CoordinatorCache<CoordinatorBroker> } {
  const holder = kafka as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const createCluster = key === undefined ? undefined : holder[key];
  if (key === undefined || typeof createCluster !== 'function') throw new Error('coordinator cache: kafkajs has no cluster factory where expected (kafkajs upgraded?)');
  let cluster: unknown;
  holder[key] = (options: unknown) => (cluster = (createCluster as (o: unknown) => unknown)(options));
  let producer: Producer;
  try {
    producer = kafka.producer(config);
  } finally {
    holder[key] = createCluster;
  }
  const target = cluster as Partial<ClusterLike> | undefined;
  if (typeof target?.findGroupCoordinator !== 'function') throw new Error('coordinator cache: the producer made no cluster with findGroupCoordinator (kafkajs upgraded?)');
  const coordinators = createCoordinatorCache(target.findGroupCoordinator.bind(target), options);
  target.findGroupCoordinator = coordinators.find;
  return { producer, coordinators };
}
