import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './ports';
import { startRestartableServer } from './restartableServer';

/** A redis-server of a test's own, in memory only, that the test may stop and start again. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server; SIGKILL by default. Its data is gone, as after a real restart without persistence. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  cleanUp(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const server = await startRestartableServer({
    name: `private redis-server on port ${port}`,
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    answers: () => pong(url),
    readyTimeoutMs: 15_000,
    stopSignal: 'SIGKILL',
    dir,
  });
  return { url, port, ...server };
}

async function pong(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
