import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { type RedisOptions } from 'ioredis';
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

async function pong(target: string | RedisOptions): Promise<boolean> {
  const options: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
  const redis = typeof target === 'string' ? new Redis(target, options) : new Redis({ ...target, ...options });
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

/** A redis-server of the test's own that takes only TLS connections and one ACL user (the default user is off). */
export interface TlsRedis extends PrivateRedis {
  readonly user: { name: string; password: string };
}

export async function startTlsRedis(certs: { certFile: string; keyFile: string; caFile: string }, user = { name: 'switchboard', password: 'redis-test-secret' }): Promise<TlsRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sb-redis-tls-'));
  const url = `rediss://${user.name}@127.0.0.1:${port}`;
  const ca = readFileSync(certs.caFile, 'utf8');
  const server = await startRestartableServer({
    name: `TLS redis-server on port ${port}`,
    command: 'redis-server',
    args: [
      '--port', '0',
      '--tls-port', String(port),
      '--bind', '127.0.0.1',
      '--tls-cert-file', certs.certFile,
      '--tls-key-file', certs.keyFile,
      '--tls-ca-cert-file', certs.caFile,
      '--tls-auth-clients', 'no',
      '--user', 'default', 'off',
      '--user', user.name, 'on', `>${user.password}`, '~*', '&*', '+@all',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
    ],
    answers: () => pong({ host: '127.0.0.1', port, username: user.name, password: user.password, tls: { ca } }),
    readyTimeoutMs: 15_000,
    stopSignal: 'SIGKILL',
    dir,
  });
  return { url, port, user, ...server };
}
