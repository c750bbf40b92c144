import Redis from 'ioredis';
import { withDeadline } from '../process/withDeadline';

/** One PING with a short timeout and no reconnect attempts; the problem text when it fails. */
export async function pingRedis(url: string, timeoutMs = 1_500): Promise<{ ok: true } | { ok: false; problem: string }> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  client.on('error', () => undefined);
  try {
    const reply = await withDeadline(
      client.connect().then(() => client.ping()),
      timeoutMs,
      `no answer within ${timeoutMs} ms`,
    );
    return reply === 'PONG' ? { ok: true } : { ok: false, problem: `PING answered ${reply}` };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  } finally {
    client.disconnect();
  }
}
