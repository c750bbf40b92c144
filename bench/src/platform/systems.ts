import { join } from 'node:path';
import { mintDevToken } from '@switchboard/auth';
import { ProtocolClient } from '../clients/protocolClient';
import { SocketIoClient } from '../clients/socketIoClient';
import type { LoadClient } from '../clients/loadClient';
import type { TrackedProcess } from '../proc/sampler';
import { freePort, spawnNode, waitHttpOk, type ManagedProcess } from './processes';
import { BENCH_JWT_SECRET, randomNamespace, startSwitchboard, type BenchEnvironment, type SwitchboardPlatform } from './switchboard';

export type SystemId = 'switchboard' | 'uws' | 'socketio';

export const SYSTEM_LABELS: Record<SystemId, string> = {
  switchboard: 'Switchboard',
  uws: 'uWS relay (ceiling)',
  socketio: 'Socket.IO 4 + Redis adapter',
};

/** A system under test with two servers that clients connect to (index 0 and 1). */
export interface System {
  id: SystemId;
  label: string;
  connect(server: 0 | 1, userId: string): Promise<LoadClient>;
  /** Its own processes, for CPU and memory sampling. */
  tracked(): TrackedProcess[];
  stop(): Promise<void>;
  /** The Switchboard platform, when this is Switchboard. */
  platform?: SwitchboardPlatform;
}

export function tokenFor(userId: string): string {
  return mintDevToken({ secret: BENCH_JWT_SECRET, userId, ttlSec: 4 * 3600 });
}

const one = (name: string, p: ManagedProcess): TrackedProcess => ({ name, pids: () => [p.pid] });

export async function startSystem(id: SystemId, env: BenchEnvironment): Promise<System> {
  const script = (file: string) => join(env.root, 'bench', 'dist', 'servers', file);
  if (id === 'switchboard') {
    const platform = await startSwitchboard(env, { gateways: 2 });
    return {
      id,
      label: SYSTEM_LABELS[id],
      platform,
      connect: (server, userId) => ProtocolClient.connect(platform.gatewayUrls[server]!, userId, tokenFor(userId)),
      tracked: () => [...platform.processes.values()].map((p) => one(p.name, p)),
      stop: () => platform.stop(),
    };
  }
  if (id === 'uws') {
    const port = await freePort();
    const proc = spawnNode('uws-relay', script('uwsRelayServer.js'), [], { env: { PORT: String(port), JWT_SECRET: BENCH_JWT_SECRET } });
    await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc);
    const url = `ws://127.0.0.1:${port}/v1`;
    return {
      id,
      label: SYSTEM_LABELS[id],
      connect: (_server, userId) => ProtocolClient.connect(url, userId, tokenFor(userId)),
      tracked: () => [one('uws-relay', proc)],
      stop: () => proc.stop(),
    };
  }
  const prefix = randomNamespace('sio');
  const servers: { proc: ManagedProcess; url: string }[] = [];
  try {
    for (const n of [1, 2]) {
      const port = await freePort();
      const proc = spawnNode(`socketio${n}`, script('socketIoServer.js'), [], {
        env: { PORT: String(port), JWT_SECRET: BENCH_JWT_SECRET, REDIS_URL: env.redisUrl, ROOM_PREFIX: prefix, SERVER_ID: String(n) },
      });
      servers.push({ proc, url: `http://127.0.0.1:${port}` });
      await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.proc.stop('SIGKILL')));
    throw err;
  }
  return {
    id,
    label: SYSTEM_LABELS[id],
    connect: (server, userId) => SocketIoClient.connect(servers[server]!.url, userId, tokenFor(userId)),
    tracked: () => servers.map((s) => one(s.proc.name, s.proc)),
    stop: async () => {
      await Promise.all(servers.map((s) => s.proc.stop()));
    },
  };
}

/** Runs `work` for 0..n-1 with at most `concurrency` at a time; the first failure rejects. */
export async function inParallel<T>(n: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      results[i] = await work(i);
    }
  });
  await Promise.all(workers);
  return results;
}
