import { Redis, type RedisOptions } from 'ioredis';
import { credentialProblem } from '@switchboard/config';

/**
 * Connects once to say whether Redis refuses this client for good: its ACL user or password
 * refused, or its certificate not trusted. Undefined when it lets the client in, and when it
 * cannot be reached, which the service rides out instead.
 */
export async function redisCredentialProblem(connection: RedisOptions): Promise<string | undefined> {
  const redis = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let failure: unknown;
  redis.on('error', (err: unknown) => (failure ??= err));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (err) {
    return credentialProblem('Redis', failure ?? err, { credentials: 'the user of REDIS_URL and REDIS_PASSWORD_FILE', authorities: 'REDIS_TLS_CA_FILE' });
  } finally {
    redis.disconnect();
  }
}
