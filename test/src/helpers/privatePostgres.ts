import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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

export interface PrivatePostgresOptions {
  /**
   * Takes only TLS connections, with this certificate, and only with a password: `role` logs in
   * with scram-sha-256 over hostssl; nothing else is allowed over TCP.
   */
  tls?: { certFile: string; keyFile: string; role: { name: string; password: string } };
}

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
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
  if (options.tls) args.push(...tlsSettings(dir, options.tls, user));
  const server = await startRestartableServer({
    name: `private Postgres on port ${port}`,
    command: join(bin, 'postgres'),
    args,
    ...(user ? { user } : {}),
    // Over the socket directory: with TLS on, TCP takes only the role's password.
    answers: () => answers(options.tls ? { host: socketDir, port, user: 'postgres', database: 'postgres' } : { connectionString: `${serverUrl}/postgres` }),
    readyTimeoutMs: 30_000,
    stopSignal: 'SIGQUIT',
    dir,
  });
  if (options.tls) {
    const { name, password } = options.tls.role;
    const admin = new Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${name} LOGIN CREATEDB PASSWORD '${password.replace(/'/g, "''")}'`);
    } finally {
      await admin.end();
    }
  }
  return { serverUrl, port, ...server };
}

/** Certificate and key copied where the server's user can read them, and an hba that wants TLS and a password over TCP. */
function tlsSettings(dir: string, tls: NonNullable<PrivatePostgresOptions['tls']>, user: { uid: number; gid: number } | undefined): string[] {
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  copyFileSync(tls.certFile, certFile);
  copyFileSync(tls.keyFile, keyFile);
  chmodSync(keyFile, 0o600);
  const hbaFile = join(dir, 'pg_hba.conf');
  writeFileSync(hbaFile, ['local all all trust', 'hostssl all all 127.0.0.1/32 scram-sha-256', 'hostnossl all all 0.0.0.0/0 reject', ''].join('\n'));
  if (user) for (const file of [certFile, keyFile, hbaFile]) chownSync(file, user.uid, user.gid);
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${certFile}`, '-c', `ssl_key_file=${keyFile}`, '-c', `hba_file=${hbaFile}`, '-c', 'password_encryption=scram-sha-256'];
}

async function answers(connection: { connectionString: string } | { host: string; port: number; user: string; database: string }): Promise<boolean> {
  const client = new Client({ ...connection, connectionTimeoutMillis: 2_000 });
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
