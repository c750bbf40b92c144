import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startRestartableServer } from './restartableServer';
import { freePort } from './ports';

/** A Postgres server of a test's own (trust auth, temporary data directory) that it may stop and start. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>`, without a database. */
  readonly serverUrl: string;
  readonly port: number;
  /**
   * Stops the server: SIGQUIT (immediate shutdown, recovery at the next start, like a crash) by
   * default, SIGINT for a fast clean shutdown.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  cleanUp(): Promise<void>;
}

/** The newest server binaries installed under /usr/lib/postgresql. */
function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no Postgres server binaries under /usr/lib/postgresql/*/bin');
  return join(root, versions[0]!, 'bin');
}

/** initdb and postgres refuse to run as root; they run as the postgres user then. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = serverBinaries();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'sb-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  mkdirSync(socketDir);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(socketDir, user.uid, user.gid);
  }
  execFileSync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'pipe',
    ...(user ?? {}),
  });
  const port = await freePort();
  const serverUrl = `postgres://postgres@127.0.0.1:${port}`;
  // fsync off: the tests stop the server process, never the machine, so the page cache keeps every write.
  const args = ['-D', dataDir, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=100'];
  const server = await startRestartableServer({
    name: `private Postgres on port ${port}`,
    command: join(bin, 'postgres'),
    args,
    ...(user ? { user } : {}),
    answers: () => answers(serverUrl),
    readyTimeoutMs: 30_000,
    stopSignal: 'SIGQUIT',
    dir,
  });
  return { serverUrl, port, ...server };
}

async function answers(serverUrl: string): Promise<boolean> {
  const client = new Client({ connectionString: `${serverUrl}/postgres`, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
