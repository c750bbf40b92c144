import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './ports';
import { childExited, killChild } from './childProcesses';
import { StopWaiting, waitUntil } from './waiting';

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
  let child: ChildProcess | undefined;
  const output: string[] = [];

  async function start(): Promise<void> {
    if (child && !childExited(child)) return;
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    await waitUntil(`private redis-server on port ${port} answers`, 15_000, async () => {
      if (childExited(started)) throw new StopWaiting(`redis-server exited:\n${output.join('')}`);
      return pong(url);
    });
  }

  const killServer = () => void child?.kill('SIGKILL');
  process.once('exit', killServer);
  await start();
  return {
    url,
    port,
    async stop(signal = 'SIGKILL') {
      if (child) await killChild(child, signal);
    },
    start,
    async cleanUp() {
      process.removeListener('exit', killServer);
      if (child) await killChild(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
