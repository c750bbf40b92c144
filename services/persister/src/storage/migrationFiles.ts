import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One schema change: `<version>_<name>.sql`, applied in version order. */
export interface MigrationFile {
  readonly version: string;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

const FILE_NAME = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

/** Splits `0001_init.sql` into its version and name; undefined for any other file name. */
export function parseMigrationFileName(fileName: string): { version: string; name: string } | undefined {
  const match = FILE_NAME.exec(fileName);
  return match?.[1] && match[2] ? { version: match[1], name: match[2] } : undefined;
}

/** Hex SHA-256 of the file's text, so any edit to an applied migration is noticed. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Builds the ordered migration list from file names and a reader. Files that do not look like
 * migrations are refused rather than skipped, so a misnamed file cannot silently go unapplied.
 */
export function buildMigrationList(fileNames: readonly string[], readText: (fileName: string) => string): MigrationFile[] {
  const migrations: MigrationFile[] = [];
  const seen = new Map<string, string>();
  for (const fileName of fileNames) {
    if (!fileName.endsWith('.sql')) continue;
    const parsed = parseMigrationFileName(fileName);
    if (!parsed) throw new Error(`migration file ${fileName} must be named <4+ digit version>_<lowercase_name>.sql`);
    const clash = seen.get(parsed.version);
    if (clash) throw new Error(`migration files ${clash} and ${fileName} share version ${parsed.version}`);
    seen.set(parsed.version, fileName);
    const sql = readText(fileName);
    migrations.push({ ...parsed, sql, checksum: migrationChecksum(sql) });
  }
  return migrations.sort((a, b) => compareVersions(a.version, b.version));
}

function compareVersions(a: string, b: string): number {
  const byNumber = Number(a) - Number(b);
  return byNumber !== 0 ? byNumber : a.localeCompare(b);
}

export function readMigrationDirectory(directory: string): MigrationFile[] {
  let fileNames: string[];
  try {
    fileNames = readdirSync(directory);
  } catch (err) {
    throw new Error(`cannot read the migrations folder ${directory}: ${(err as Error).message}`);
  }
  return buildMigrationList(fileNames, (fileName) => readFileSync(join(directory, fileName), 'utf8'));
}
