import { join } from 'node:path';
import pg from 'pg';
import { readMigrationDirectory, type MigrationFile } from './migrationFiles';

export interface MigrateOptions {
  /** Folder of `<version>_<name>.sql` files; defaults to the package's `migrations/`. */
  directory?: string;
  /** Called once per migration applied. */
  onApplied?: (version: string, name: string) => void;
}

export interface MigrateResult {
  /** Versions applied by this call, in order. */
  applied: string[];
  /** Versions that were already applied before this call. */
  alreadyApplied: string[];
}

/** From dist/storage (or src/storage) to the package's migrations folder. */
export const DEFAULT_MIGRATIONS_DIRECTORY = join(__dirname, '..', '..', 'migrations');

const HISTORY_TABLE = 'persister_schema_migrations';

/**
 * Serialises migrators of the same database, so two persisters starting together do not both
 * apply a file. Any fixed 64-bit number works; this one is "persistr" in ASCII.
 */
const ADVISORY_LOCK_KEY = '8099005344911684722';

interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
}

/**
 * Brings the persister's schema up to date: applies, in version order and each in its own
 * transaction, every migration file not yet recorded in persister_schema_migrations. Refuses to
 * run if a file that was already applied has changed since, because the database would then no
 * longer match what the files describe.
 */
export async function migrate(database: pg.Pool | string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = readMigrationDirectory(options.directory ?? DEFAULT_MIGRATIONS_DIRECTORY);
  const ownPool = typeof database === 'string' ? new pg.Pool({ connectionString: database, max: 1 }) : undefined;
  const pool = ownPool ?? (database as pg.Pool);
  ownPool?.on('error', () => undefined);
  try {
    const client = await pool.connect();
    // Without a listener, a connection lost between two statements would end the process instead of failing the migration.
    let broken: Error | undefined;
    const onError = (err: Error) => void (broken = err);
    client.on('error', onError);
    try {
      await client.query(`SELECT pg_advisory_lock(${ADVISORY_LOCK_KEY}::bigint)`);
      try {
        return await applyPending(client, migrations, options);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${ADVISORY_LOCK_KEY}::bigint)`);
      }
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  } finally {
    await ownPool?.end();
  }
}

async function applyPending(
  client: pg.PoolClient,
  migrations: readonly MigrationFile[],
  options: MigrateOptions,
): Promise<MigrateResult> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${HISTORY_TABLE} (
       version text PRIMARY KEY,
       name text NOT NULL,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const { rows } = await client.query<AppliedRow>(`SELECT version, name, checksum FROM ${HISTORY_TABLE}`);
  const applied = new Map(rows.map((row) => [row.version, row]));
  refuseChangedFiles(migrations, applied);

  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    if (applied.has(migration.version)) {
      result.alreadyApplied.push(migration.version);
      continue;
    }
    await applyOne(client, migration);
    result.applied.push(migration.version);
    options.onApplied?.(migration.version, migration.name);
  }
  return result;
}

function refuseChangedFiles(migrations: readonly MigrationFile[], applied: ReadonlyMap<string, AppliedRow>): void {
  const changed = migrations.filter((m) => {
    const row = applied.get(m.version);
    return row !== undefined && row.checksum !== m.checksum;
  });
  if (changed.length > 0) {
    const names = changed.map((m) => `${m.version}_${m.name}.sql`).join(', ');
    throw new Error(
      `migration ${names} changed after it was applied (checksum differs from ${HISTORY_TABLE}); ` +
        'restore the original file and put the change in a new migration',
    );
  }
}

async function applyOne(client: pg.PoolClient, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(`INSERT INTO ${HISTORY_TABLE} (version, name, checksum, applied_at) VALUES ($1, $2, $3, now())`, [
      migration.version,
      migration.name,
      migration.checksum,
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`migration ${migration.version}_${migration.name}.sql failed: ${(err as Error).message}`, { cause: err });
  }
}
