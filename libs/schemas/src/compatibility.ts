import type { CatalogEntry } from './catalog';
import { resolveSchemas } from './resolveSchemas';

/** A version of a subject that the subject's latest schema cannot read. */
export interface Incompatibility {
  readonly subject: string;
  readonly readerVersion: number;
  readonly writerVersion: number;
  readonly reason: string;
}

/**
 * The backward-compatibility rule, transitive: for every subject, the latest schema must read
 * data written with every older version (a resolver can be built from each old schema to it, see resolveSchemas).
 * Returns what breaks the rule; empty means compatible.
 */
export function findIncompatibilities(entries: readonly CatalogEntry[]): Incompatibility[] {
  const bySubject = new Map<string, CatalogEntry[]>();
  for (const entry of entries) bySubject.set(entry.subject, [...(bySubject.get(entry.subject) ?? []), entry]);
  const found: Incompatibility[] = [];
  for (const [subject, versions] of bySubject) {
    const latest = versions.reduce((a, b) => (b.version > a.version ? b : a));
    for (const older of versions) {
      if (older === latest) continue;
      try {
        resolveSchemas(latest.type, older.type);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        found.push({ subject, readerVersion: latest.version, writerVersion: older.version, reason });
      }
    }
  }
  return found;
}
