import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { createKafka, deleteNamespaceTopics, ensureTopics } from '@switchboard/kafka';
import { migrate } from '@switchboard/persister';
import { freePort, spawnNode, waitHttpOk, type ManagedProcess } from './processes';

export const BENCH_JWT_SECRET = 'switchboard-bench-secret-0123456789abcdef';

export interface BenchEnvironment {
  root: string;
  brokers: string;
  pgServer: string;
  redisUrl: string;
}

export function benchEnvironment(root: string): BenchEnvironment {
  return {
    root,
    brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    pgServer: process.env.BENCH_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

export function randomNamespace(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** A namespace of its own: a scratch database with the persister's tables and the platform's topics. */
export async function createNamespace(env: BenchEnvironment, namespace: string): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const database = `sb_${namespace}`;
  const admin = new Client({ connectionString: `${env.pgServer}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = `${env.pgServer}/${database}`;
  await migrate(databaseUrl);
  const kafka = createKafka({ brokers: env.brokers.split(','), clientId: 'bench-setup' });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await ensureTopics(kafkaAdmin, namespace);
  await kafkaAdmin.disconnect();
  return {
    databaseUrl,
    async drop() {
      const cleanup = new Client({ connectionString: `${env.pgServer}/postgres` });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
      const a = createKafka({ brokers: env.brokers.split(','), clientId: 'bench-cleanup' }).admin();
      await a.connect();
      try {
        await deleteNamespaceTopics(a, namespace, [`${namespace}.perf`]);
      } finally {
        await a.disconnect();
      }
      await deleteNamespaceKeys(env.redisUrl, namespace);
    },
  };
}

/** Removes the namespace's presence and rate-limit keys from Redis. */
export async function deleteNamespaceKeys(redisUrl: string, namespace: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface SwitchboardPlatform {
  namespace: string;
  databaseUrl: string;
  /** ws://…/v1 of each gateway, in start order. */
  gatewayUrls: string[];
  processes: Map<string, ManagedProcess>;
  /** /metrics of every running service, for the hop histograms. */
  metricsUrls(): string[];
  /** Starts one more gateway (e.g. a fresh one to measure); returns its name and URL. */
  addGateway(options?: { openFiles?: number; env?: NodeJS.ProcessEnv }): Promise<{ name: string; url: string; process: ManagedProcess }>;
  stopGateway(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Service settings of the benchmark: limits meant for abuse would otherwise be what is measured. */
export const BENCH_SERVICE_ENV: NodeJS.ProcessEnv = {
  LOG_LEVEL: 'warn',
  JWT_SECRET: BENCH_JWT_SECRET,
  GATEWAY_RATE_PER_SECOND: '100000',
  GATEWAY_RATE_BURST: '100000',
  GATEWAY_USER_RATE_PER_SECOND: '1000000',
  GATEWAY_USER_RATE_BURST: '10000000',
};

/**
 * BENCH_CPU_PROF, a comma-separated list of process names (e.g. "gateway1"), profiles just those
 * processes under load: a .cpuprofile per process is written to BENCH_CPU_PROF_DIR (default
 * /tmp/switchboard-cpu-prof) when it stops.
 */
export function cpuProfileArgs(name: string): string[] {
  const names = (process.env.BENCH_CPU_PROF ?? '').split(',').map((n) => n.trim());
  if (!names.includes(name)) return [];
  const dir = process.env.BENCH_CPU_PROF_DIR ?? '/tmp/switchboard-cpu-prof';
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`];
}

/** Persister, router and N gateways as separate processes, as in production, in a namespace and database of their own. */
export async function startSwitchboard(env: BenchEnvironment, options: { gateways: number; env?: NodeJS.ProcessEnv }): Promise<SwitchboardPlatform> {
  const namespace = randomNamespace('bench');
  const scratch = await createNamespace(env, namespace);
  const processes = new Map<string, ManagedProcess>();
  const httpPorts = new Map<string, number>();
  const persisterPort = await freePort();
  const common: NodeJS.ProcessEnv = {
    SWITCHBOARD_NAMESPACE: namespace,
    KAFKA_BROKERS: env.brokers,
    DATABASE_URL: scratch.databaseUrl,
    REDIS_URL: env.redisUrl,
    PERSISTER_URL: `http://127.0.0.1:${persisterPort}`,
    ...BENCH_SERVICE_ENV,
    ...options.env,
  };
  const script = (service: string) => join(env.root, 'services', service, 'dist', 'main.js');
  const launch = async (name: string, service: string, port: number, extra: NodeJS.ProcessEnv, openFiles?: number) => {
    const proc = spawnNode(name, script(service), [], {
      env: { ...common, ...extra },
      // BENCH_SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", is for profiling a service under load.
      nodeArgs: ['--enable-source-maps', ...(process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean), ...cpuProfileArgs(name)],
      echo: process.env.BENCH_SERVICE_OUTPUT === '1',
      ...(openFiles !== undefined ? { openFiles } : {}),
    });
    processes.set(name, proc);
    httpPorts.set(name, port);
    await waitHttpOk(`http://127.0.0.1:${port}/readyz`, proc);
    return proc;
  };
  let gatewayCount = 0;
  const gatewayUrls: string[] = [];
  const addGateway = async (extra: { openFiles?: number; env?: NodeJS.ProcessEnv } = {}) => {
    const index = ++gatewayCount;
    const port = await freePort();
    const name = `gateway${index}`;
    const proc = await launch(
      name,
      'gateway',
      port,
      { GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', GATEWAY_ID: `${namespace}-gw${index}`, ...extra.env },
      extra.openFiles,
    );
    const url = `ws://127.0.0.1:${port}/v1`;
    gatewayUrls.push(url);
    return { name, url, process: proc };
  };

  try {
    await launch('persister', 'persister', persisterPort, { PERSISTER_HTTP_PORT: String(persisterPort), PERSISTER_HTTP_HOST: '127.0.0.1' });
    const routerPort = await freePort();
    await launch('router', 'router', routerPort, { ROUTER_HTTP_PORT: String(routerPort) });
    for (let i = 0; i < options.gateways; i++) await addGateway();
  } catch (err) {
    for (const p of processes.values()) p.child.kill('SIGKILL');
    await scratch.drop().catch(() => undefined);
    throw err;
  }

  return {
    namespace,
    databaseUrl: scratch.databaseUrl,
    gatewayUrls,
    processes,
    metricsUrls: () => [...processes.keys()].filter((name) => httpPorts.has(name)).map((name) => `http://127.0.0.1:${httpPorts.get(name)}/metrics`),
    addGateway,
    async stopGateway(name) {
      await processes.get(name)?.stop();
      processes.delete(name);
      httpPorts.delete(name);
    },
    async stop() {
      for (const prefix of ['gateway', 'router', 'persister']) {
        await Promise.all([...processes.values()].filter((p) => p.name.startsWith(prefix)).map((p) => p.stop()));
      }
      await scratch.drop();
    },
  };
}
