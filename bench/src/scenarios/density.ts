import { join } from 'node:path';
import { openFilesLimit, readProcSample } from '../proc/procStats';
import type { UsageWindow } from '../proc/sampler';
import { freePort, sleep, spawnNode, waitHttpOk, type ManagedProcess } from '../platform/processes';
import { BENCH_JWT_SECRET, randomNamespace, startSwitchboard, type SwitchboardPlatform } from '../platform/switchboard';
import { SYSTEM_LABELS, type SystemId } from '../platform/systems';
import type { DensityWorkerConfig, WorkerCounts } from '../clients/densityWorker';
import { scaled, usageOf, type BenchContext } from './context';
import type { RunOf } from './messaging';

export interface DensityResult {
  requested: number;
  /** What the open-files limit let one server process hold. */
  attempted: number;
  connected: number;
  failed: number;
  dropped: number;
  firstFailure?: string;
  openFilesLimit?: number;
  connectSeconds: number;
  connectsPerSecond: number;
  baselineRssMiB: number;
  loadedRssMiB: number;
  kibPerConnection: number;
  generatorProcesses: number;
}

const PER_WORKER = 15_000;
const WARMUP_CONNECTIONS = 500;
/** Source addresses for the generator; each has its own ~28k ephemeral ports. */
const LOCAL_ADDRESSES = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`);

interface Server {
  pid: number;
  port: number;
  names: string[];
  stop(): Promise<void>;
}

async function startServer(ctx: BenchContext, id: SystemId, openFiles: number): Promise<Server> {
  const script = (file: string) => join(ctx.env.root, 'bench', 'dist', 'servers', file);
  if (id === 'switchboard') {
    const platform: SwitchboardPlatform = await startSwitchboard(ctx.env, { gateways: 0 });
    const gateway = await platform.addGateway({ openFiles });
    for (const p of platform.processes.values()) ctx.sampler.track({ name: `density-${p.name}`, pids: () => [p.pid] });
    return {
      pid: gateway.process.pid,
      port: Number(new URL(gateway.url).port),
      names: [...platform.processes.keys()].map((n) => `density-${n}`),
      stop: () => platform.stop(),
    };
  }
  const port = await freePort();
  const proc: ManagedProcess =
    id === 'uws'
      ? spawnNode('uws-relay', script('uwsRelayServer.js'), [], { openFiles, env: { PORT: String(port), JWT_SECRET: BENCH_JWT_SECRET } })
      : spawnNode('socketio', script('socketIoServer.js'), [], {
          openFiles,
          env: { PORT: String(port), JWT_SECRET: BENCH_JWT_SECRET, REDIS_URL: ctx.env.redisUrl, ROOM_PREFIX: randomNamespace('sio'), SERVER_ID: '1' },
        });
  await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc);
  ctx.sampler.track({ name: `density-${id}`, pids: () => [proc.pid] });
  return { pid: proc.pid, port, names: [`density-${id}`], stop: () => proc.stop() };
}

interface Worker {
  proc: ManagedProcess;
  counts: WorkerCounts;
  done: Promise<void>;
  request(cmd: 'report' | 'stop'): Promise<WorkerCounts>;
}

function startWorker(ctx: BenchContext, config: DensityWorkerConfig): Worker {
  const proc = spawnNode('density-client', join(ctx.env.root, 'bench', 'dist', 'clients', 'densityWorker.js'), [], { ipc: true, openFiles: config.count + 1_000 });
  const worker: Worker = {
    proc,
    counts: { connected: 0, failed: 0, dropped: 0, attempted: 0 },
    done: new Promise((resolve) => {
      proc.child.on('message', (m: { type: string; counts: WorkerCounts }) => {
        worker.counts = m.counts;
        if (m.type === 'done') resolve();
      });
      proc.child.on('exit', () => resolve());
    }),
    request(cmd) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(worker.counts), 5_000);
        const listener = (m: { type: string; counts: WorkerCounts }) => {
          if (m.type === (cmd === 'report' ? 'report' : 'stopped')) {
            clearTimeout(timer);
            proc.child.off('message', listener);
            resolve(m.counts);
          }
        };
        proc.child.on('message', listener);
        proc.child.send({ cmd });
      });
    },
  };
  proc.child.send({ cmd: 'start', config });
  return worker;
}

const sum = (workers: Worker[], key: 'connected' | 'failed' | 'dropped' | 'attempted') => workers.reduce((a, w) => a + w.counts[key], 0);

/**
 * S4: idle authenticated connections on one server process. Memory per connection is the growth
 * of the server's RSS from a warmed-up baseline (500 connections) to the full count, divided by
 * the connections added.
 */
export async function runDensity(ctx: BenchContext, id: SystemId, requested: number): Promise<RunOf<DensityResult>> {
  const server = await startServer(ctx, id, requested + 2_000);
  const limit = openFilesLimit(server.pid);
  // The server keeps some descriptors for itself (Kafka, Redis, epoll, the listening socket).
  const attempted = Math.max(WARMUP_CONNECTIONS * 2, Math.min(requested, (limit ?? Number.POSITIVE_INFINITY) - 300));
  const userPrefix = `${ctx.runTag}d${id.slice(0, 2)}`;
  const dialect = id === 'socketio' ? 'socketio' : 'switchboard';
  const base = { host: '127.0.0.1', port: server.port, dialect, secret: BENCH_JWT_SECRET, userPrefix, localAddresses: LOCAL_ADDRESSES, concurrency: 100 } as const;
  const workers: Worker[] = [];
  const from = ctx.sampler.mark();
  try {
    const warm = startWorker(ctx, { ...base, firstIndex: 0, count: WARMUP_CONNECTIONS });
    workers.push(warm);
    ctx.sampler.track({ name: 'loadgen-workers', pids: () => workers.map((w) => w.proc.pid) });
    await warm.done;
    await sleep(2_000);
    const baselineRss = readProcSample(server.pid)?.rssKiB ?? 0;
    const rest = attempted - WARMUP_CONNECTIONS;
    const started = Date.now();
    for (let first = 0; first < rest; first += PER_WORKER) {
      workers.push(startWorker(ctx, { ...base, firstIndex: WARMUP_CONNECTIONS + first, count: Math.min(PER_WORKER, rest - first) }));
    }
    const deadline = sleep(240_000);
    await Promise.race([Promise.all(workers.map((w) => w.done)), deadline]);
    const connectSeconds = (Date.now() - started) / 1000;
    ctx.log(`  ${id} S4: ${sum(workers, 'connected')} of ${attempted} connected in ${connectSeconds.toFixed(1)} s`);
    await sleep(scaled(ctx, 10_000, 3_000));
    const loadedRss = readProcSample(server.pid)?.rssKiB ?? 0;
    const counts = await Promise.all(workers.map((w) => w.request('report')));
    const connected = counts.reduce((a, c) => a + c.connected, 0) - counts.reduce((a, c) => a + c.dropped, 0);
    const to = ctx.sampler.mark();
    const result: DensityResult = {
      requested,
      attempted,
      connected,
      failed: counts.reduce((a, c) => a + c.failed, 0),
      dropped: counts.reduce((a, c) => a + c.dropped, 0),
      ...(counts.find((c) => c.firstFailure)?.firstFailure ? { firstFailure: counts.find((c) => c.firstFailure)!.firstFailure! } : {}),
      ...(limit !== undefined ? { openFilesLimit: limit } : {}),
      connectSeconds,
      connectsPerSecond: (connected - WARMUP_CONNECTIONS) / connectSeconds,
      baselineRssMiB: baselineRss / 1024,
      loadedRssMiB: loadedRss / 1024,
      kibPerConnection: (loadedRss - baselineRss) / Math.max(1, connected - WARMUP_CONNECTIONS),
      generatorProcesses: workers.length,
    };
    const usage: UsageWindow = usageOf(ctx, from, to, [...server.names, 'loadgen-workers']);
    return { system: id, label: SYSTEM_LABELS[id], result, usage };
  } finally {
    await Promise.all(workers.map((w) => w.request('stop').catch(() => w.counts)));
    await Promise.all(workers.map((w) => w.proc.stop('SIGTERM', 5_000)));
    ctx.sampler.untrack('loadgen-workers');
    for (const n of server.names) ctx.sampler.untrack(n);
    await server.stop();
  }
}
