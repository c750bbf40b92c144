import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import Redis from 'ioredis';
import { TOPICS } from '@switchboard/kafka';
import { migrate } from '@switchboard/persister';
import { STACK_CLI_PATH, stackLayout, type StackReport } from '@switchboard/stack';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LONG = { timeout: 300_000 };

const random = (): string => randomBytes(4).toString('hex');

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const dropDatabase = (name: string): Promise<unknown> =>
  withServer((c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Alive and not a zombie, as /proc tells. */
function processCmdline(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

async function sharedServicesAnswer(): Promise<{ postgres: boolean; redis: boolean }> {
  const postgres = await withServer((c) => c.query('SELECT 1')).then(
    () => true,
    () => false,
  );
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  const pong = await redis.connect().then(() => redis.ping()).catch(() => 'no answer');
  redis.disconnect();
  return { postgres, redis: pong === 'PONG' };
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stack of its own: own directory, ports, namespace and database; shares Postgres, Redis and the jar cache. */
async function isolatedStack() {
  const stackDir = mkdtempSync(join(tmpdir(), 'sb-stack-it-'));
  const kafkaPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === kafkaPort) controllerPort = await freePort();
  const database = `sb_stack_it_${random()}`;
  const env = {
    ...process.env,
    SWITCHBOARD_STACK_DIR: stackDir,
    KAFKA_PORT: String(kafkaPort),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    SWITCHBOARD_NAMESPACE: `it-${random()}`,
    DATABASE_URL: databaseUrl(database),
    REDIS_URL,
  };
  const cli = (...args: string[]): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(process.execPath, [STACK_CLI_PATH, ...args], { env, timeout: 240_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  const json = async (command: string): Promise<{ run: CliRun; report: StackReport }> => {
    const run = await cli(command, '--json');
    return { run, report: JSON.parse(run.stdout) as StackReport };
  };
  const cleanUp = async (): Promise<void> => {
    await cli('down');
    await dropDatabase(database);
    rmSync(stackDir, { recursive: true, force: true });
  };
  return { stackDir, kafkaPort, database, cli, json, cleanUp };
}

const component = (report: StackReport, name: string) => {
  const found = report.components.find((c) => c.component === name);
  assert.ok(found, `no ${name} in report`);
  return found;
};

test('up is idempotent, down stops only what up started, and up works again', LONG, async () => {
  const stack = await isolatedStack();
  try {
    const first = await stack.json('up');
    assert.equal(first.run.code, 0, first.run.stderr);
    const kafka = component(first.report, 'kafka');
    assert.equal(kafka.state, 'up');
    assert.match(kafka.detail, /started/);
    assert.ok(kafka.pid !== undefined && kafka.managed);
    assert.match(processCmdline(kafka.pid) ?? '', /kafka\.Kafka/);
    assert.match(component(first.report, 'postgres').detail, new RegExp(`created database ${stack.database}`));
    assert.equal(component(first.report, 'postgres').managed, false);
    assert.equal(component(first.report, 'redis').managed, false);

    const second = await stack.cli('up');
    assert.equal(second.code, 0, second.stderr);
    const line = new RegExp(`^kafka\\s+up\\s+127\\.0\\.0\\.1:${stack.kafkaPort} \\(already running, pid (\\d+)`, 'm').exec(second.stdout);
    assert.ok(line, `second up did not report Kafka already running:\n${second.stdout}`);
    assert.equal(Number(line[1]), kafka.pid);
    assert.match(second.stdout, /^postgres\s+up\s+.*already running, schema up to date/m);
    assert.match(second.stdout, /^redis\s+up\s+.*already running/m);

    assert.equal((await stack.cli('status')).code, 0);

    const down = await stack.cli('down');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(processCmdline(kafka.pid), undefined, 'the broker process is still running after down');
    assert.equal(await portOpen(stack.kafkaPort), false);
    assert.deepEqual(await sharedServicesAnswer(), { postgres: true, redis: true });
    assert.match(down.stdout, /^postgres\s+up\s+.*left running, not started by this stack/m);

    const status = await stack.cli('status');
    assert.equal(status.code, 3, status.stdout);
    assert.match(status.stdout, /^kafka\s+down/m);

    const again = await stack.json('up');
    assert.equal(again.run.code, 0, again.run.stderr);
    const restarted = component(again.report, 'kafka');
    assert.equal(restarted.state, 'up');
    assert.notEqual(restarted.pid, kafka.pid);
    assert.match(restarted.detail, new RegExp(`^started, pid \\d+, ${TOPICS.length} topics ready$`));

    assert.equal((await stack.cli('down')).code, 0);
    assert.equal(await portOpen(stack.kafkaPort), false);
  } finally {
    await stack.cleanUp();
  }
});

test('a pid file naming a dead process, or a pid now used by another program, does not block up', LONG, async () => {
  const stack = await isolatedStack();
  const pidFile = stackLayout(stack.stackDir).kafka.pidFile;
  try {
    const first = await stack.json('up');
    assert.equal(first.run.code, 0, first.run.stderr);
    assert.equal((await stack.cli('down')).code, 0);

    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    assert.equal(processCmdline(exited), undefined);
    writeFileSync(pidFile, `${exited}\n`);
    const afterDead = await stack.json('up');
    assert.equal(afterDead.run.code, 0, afterDead.run.stderr);
    const started = component(afterDead.report, 'kafka');
    assert.match(started.detail, /^started/);
    assert.notEqual(started.pid, exited);
    assert.equal((await stack.cli('down')).code, 0);

    // This test's own pid: alive, but not a broker; up must neither trust it nor signal it.
    writeFileSync(pidFile, `${process.pid}\n`);
    const afterReused = await stack.json('up');
    assert.equal(afterReused.run.code, 0, afterReused.run.stderr);
    assert.match(component(afterReused.report, 'kafka').detail, /^started/);
    assert.notEqual(component(afterReused.report, 'kafka').pid, process.pid);
    assert.equal(readFileSync(pidFile, 'utf8').trim(), String(component(afterReused.report, 'kafka').pid));
  } finally {
    await stack.cleanUp();
  }
});

test('migrations apply once, even when two migrators race, and a changed applied file is refused', LONG, async () => {
  const database = `sb_migrate_it_${random()}`;
  const url = databaseUrl(database);
  await withServer((c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`));
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const scratch = mkdtempSync(join(tmpdir(), 'sb-migrations-'));
  const packaged = join(dirname(require.resolve('@switchboard/persister/package.json')), 'migrations');
  const shipped = readdirSync(packaged).filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, 4)).sort();
  try {
    const [a, b] = await Promise.all([migrate(url), migrate(pool)]);
    assert.deepEqual([...a.applied, ...b.applied].sort(), shipped, 'each shipped migration applied exactly once');
    assert.deepEqual(a.applied.length === 0 ? a.alreadyApplied : b.alreadyApplied, shipped);

    assert.deepEqual(await migrate(pool), { applied: [], alreadyApplied: shipped });
    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    assert.deepEqual(
      tables.rows.map((r) => r.table_name),
      [
        'persister_conversations',
        'persister_events',
        'persister_members',
        'persister_messages',
        'persister_offsets',
        'persister_read_cursors',
        'persister_schema_migrations',
      ],
    );

    cpSync(packaged, scratch, { recursive: true });
    writeFileSync(join(scratch, '0900_scratch.sql'), 'CREATE TABLE persister_scratch (id int PRIMARY KEY);\n');
    assert.deepEqual(await migrate(pool, { directory: scratch }), { applied: ['0900'], alreadyApplied: shipped });

    appendFileSync(join(scratch, '0001_init.sql'), '\n-- edited after it was applied\n');
    writeFileSync(join(scratch, '0901_never.sql'), 'CREATE TABLE persister_never (id int);\n');
    await assert.rejects(migrate(pool, { directory: scratch }), /0001_init\.sql changed after it was applied/);
    const never = await pool.query("SELECT to_regclass('persister_never') AS t");
    assert.equal(never.rows[0].t, null, 'a later migration ran although an applied one had changed');
  } finally {
    await pool.end();
    rmSync(scratch, { recursive: true, force: true });
    await dropDatabase(database);
  }
});
