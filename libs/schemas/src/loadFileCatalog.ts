import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createCatalog, type CatalogEntry, type StaticCatalog } from './catalog';
import { packageRoot } from './packageRoot';
import { parseSchema } from './parseSchema';

/** A row of catalog.json. */
export interface CatalogFileRow {
  readonly id: number;
  readonly subject: string;
  readonly version: number;
}

/** Where the schema of a (subject, version) lives, relative to the package root. */
export function schemaFilePath(subject: string, version: number): string {
  return path.join('avro', subject, `v${version}.avsc`);
}

/** Reads and checks the rows of catalog.json. */
export function readCatalogFile(root: string = packageRoot()): CatalogFileRow[] {
  const file = path.join(root, 'catalog.json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const rows = (parsed as { schemas?: unknown }).schemas;
  if (!Array.isArray(rows)) throw new Error(`${file}: expected a "schemas" array`);
  return rows.map((row: unknown, index) => {
    const { id, subject, version } = (row ?? {}) as Record<string, unknown>;
    if (typeof id !== 'number' || typeof subject !== 'string' || typeof version !== 'number') {
      throw new Error(`${file}: schemas[${index}] needs a numeric id, a string subject and a numeric version`);
    }
    return { id, subject, version };
  });
}

/**
 * The checked-in catalog: ids from catalog.json, schemas from avro/<subject>/v<version>.avsc.
 * Throws, naming the file, if a schema is missing or does not parse.
 */
export function loadFileCatalog(root: string = packageRoot()): StaticCatalog {
  const entries = readCatalogFile(root).map((row): CatalogEntry => {
    const file = path.join(root, schemaFilePath(row.subject, row.version));
    try {
      return { ...row, type: parseSchema(JSON.parse(readFileSync(file, 'utf8'))) };
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  });
  return createCatalog(entries);
}
