import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import type { KafkaSecurity } from '@switchboard/config';
import { createKafka, deleteNamespaceTopics, ensureTopics } from '@switchboard/kafka';
import { migrate } from '@switchboard/persister';
import { freePort } from './ports';
import { randomName } from './random';

export const ROOT = join(__dirname, '..', '..', '..');
export const JWT_SECRET = 'switchboard-test-secret-0123456789abcdef';
export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const PG_SERVER = process.env.TEST_PG_SERVER ?? 'postgres://postgres@127.0.0.1:5432';

export type ServiceName = 'gateway' | 'router' | 'persister';

export interface ServiceProcess {
  name: string;
  service: ServiceName;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  httpPort: number;
  output: string[];
  /** Resolves when this run of the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Platform {
  namespace: string;
  databaseUrl: string;
  gatewayUrls: string[];
  services: Map<string, ServiceProcess>;
  /** kill -9 one service and start it again with the same settings. */
  restart(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Signals one service (SIGKILL by default) and resolves with how it exited; SIGKILL after `graceMs`. */
  kill(name: string, signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts a stopped service again with the same settings and waits until it is ready. */
  start(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  gateways?: number;
  /** Routers in the group (default 1): `router`, then `router2`, `router3`, … */
  routers?: number;
  /** Settings of one router only, by its index from 0. */
  routerEnv?: (index: number) => NodeJS.ProcessEnv;
  env?: NodeJS.ProcessEnv;
  /** Dependencies other than the shared stack's, e.g. private ones for outage tests. */
  brokers?: string;
  /** A Postgres server URL without a database. */
  pgServer?: string;
  redisUrl?: string;
  /** Kafka TLS and SASL for the platform's own admin work (creating and deleting its topics). */
  kafkaSecurity?: KafkaSecurity;
  /** A query string for every Postgres URL, e.g. `sslmode=verify-full&sslrootcert=<file>`. */
  pgQuery?: string;
  /** The password of pgServer's user, for the platform's own admin connections; services get theirs from `env`. */
  pgPassword?: string;
}

/** Starts persister, router and N gateways as separate processes in a namespace and database of their own. */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const namespace = randomName('t');
  const database = `sb_${namespace}`;
  const pgServer = options.pgServer ?? PG_SERVER;
  const brokers = options.brokers ?? BROKERS;
  const pgUrl = (name: string) => `${pgServer}/${name}${options.pgQuery ? `?${options.pgQuery}` : ''}`;
  // node-postgres takes the password from the URL over a password option: the admin connections put it there.
  const adminUrl = (name: string) => {
    const url = new URL(pgUrl(name));
    if (options.pgPassword !== undefined) url.password = encodeURIComponent(options.pgPassword);
    return url.toString();
  };
  const admin = new Client({ connectionString: adminUrl('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const databaseUrl = pgUrl(database);
  const migrationPool = new Pool({ connectionString: adminUrl(database), max: 1 });
  try {
    await migrate(migrationPool);
  } finally {
    await migrationPool.end();
  }

  const kafkaSecurity = options.kafkaSecurity ? { security: options.kafkaSecurity } : {};
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'test-platform', ...kafkaSecurity });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  await ensureTopics(kafkaAdmin, namespace);
  await kafkaAdmin.disconnect();

  const persisterPort = await freePort();
  const common: NodeJS.ProcessEnv = {
    SWITCHBOARD_NAMESPACE: namespace,
    KAFKA_BROKERS: brokers,
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
    JWT_SECRET,
    PERSISTER_URL: `http://127.0.0.1:${persisterPort}`,
    ...options.env,
  };
  const services = new Map<string, ServiceProcess>();
  // A test run that ends early (a failed assertion, a timeout) must not leave services behind.
  const killAll = () => {
    for (const s of services.values()) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const specs: { name: string; service: ServiceName; env: NodeJS.ProcessEnv; httpPort: number }[] = [
    { name: 'persister', service: 'persister', env: { PERSISTER_HTTP_PORT: String(persisterPort) }, httpPort: persisterPort },
  ];
  for (let i = 0; i < (options.routers ?? 1); i++) {
    const routerPort = await freePort();
    const env = { ROUTER_HTTP_PORT: String(routerPort), ROUTER_INSTANCE_ID: `${namespace}-router${i + 1}`, ...options.routerEnv?.(i) };
    specs.push({ name: i === 0 ? 'router' : `router${i + 1}`, service: 'router', env, httpPort: routerPort });
  }
  const gatewayUrls: string[] = [];
  for (let i = 1; i <= (options.gateways ?? 2); i++) {
    const port = await freePort();
    specs.push({ name: `gateway${i}`, service: 'gateway', env: { GATEWAY_PORT: String(port), GATEWAY_HOST: '127.0.0.1', GATEWAY_ID: `${namespace}-gw${i}` }, httpPort: port });
    gatewayUrls.push(`ws://127.0.0.1:${port}/v1`);
  }

  const launch = async (spec: (typeof specs)[number]) => {
    const env = { ...process.env, ...common, ...spec.env };
    const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'services', spec.service, 'dist', 'main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const proc: ServiceProcess = { ...spec, env, child, output: [], exited };
    const keep = (chunk: Buffer) => {
      proc.output.push(chunk.toString());
      if (proc.output.length > 200) proc.output.shift();
      if (process.env.TEST_SERVICE_OUTPUT) process.stderr.write(`[${spec.name}] ${chunk.toString()}`);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    services.set(spec.name, proc);
    await waitReady(proc);
  };

  try {
    // In parallel: each mostly waits for its consumer group, not for the others.
    await Promise.all(specs.map(launch));
  } catch (err) {
    for (const s of services.values()) s.child.kill('SIGKILL');
    throw err;
  }

  return {
    namespace,
    databaseUrl,
    gatewayUrls,
    services,
    async restart(name, signal = 'SIGKILL') {
      const proc = services.get(name);
      if (!proc) throw new Error(`no service ${name}`);
      await stopProcess(proc.child, signal);
      await launch(proc);
    },
    async kill(name, signal = 'SIGKILL', graceMs = 30_000) {
      const proc = services.get(name);
      if (!proc) throw new Error(`no service ${name}`);
      await stopProcess(proc.child, signal, graceMs);
      return proc.exited;
    },
    async start(name) {
      const proc = services.get(name);
      if (!proc) throw new Error(`no service ${name}`);
      if (proc.child.exitCode === null && proc.child.signalCode === null) throw new Error(`${name} is still running`);
      await launch(proc);
    },
    async stop() {
      const order = ['gateway', 'router', 'persister'];
      for (const service of order) {
        await Promise.all([...services.values()].filter((s) => s.service === service).map((s) => stopProcess(s.child, 'SIGTERM')));
      }
      process.removeListener('exit', killAll);
      const cleanup = new Client({ connectionString: adminUrl('postgres') });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
      await dropTopics(brokers, namespace, options.kafkaSecurity);
    },
  };
}

/** Removes the namespace's topics from the broker; a broker that is gone (an outage test's) is left alone. */
async function dropTopics(brokers: string, namespace: string, security: KafkaSecurity | undefined): Promise<void> {
  const admin = createKafka({ brokers: brokers.split(','), clientId: 'test-platform-cleanup', retries: 2, ...(security ? { security } : {}) }).admin();
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 15_000)));
  const work = (async () => {
    await admin.connect();
    await deleteNamespaceTopics(admin, namespace);
  })().catch(() => undefined);
  await Promise.race([work, giveUp]);
  clearTimeout(timer);
  await admin.disconnect().catch(() => undefined);
}

async function waitReady(proc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready:\n${proc.output.join('')}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${proc.httpPort}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs} ms:\n${proc.output.join('')}`);
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
