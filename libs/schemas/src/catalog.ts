import type { Type } from 'avsc';

/** One registered schema: a version of a subject, under a schema id that never changes. */
export interface CatalogEntry {
  /** The id written in the wire-format header. */
  readonly id: number;
  /** Full record name of the schema (RecordNameStrategy), e.g. `io.switchboard.Command`. */
  readonly subject: string;
  /** 1, 2, 3, ... per subject. */
  readonly version: number;
  /** The parsed schema (see `parseSchema`). */
  readonly type: Type;
}

/**
 * Where the codec finds schemas. Today the checked-in file catalog implements it; a schema
 * registry client can replace it without touching the codec, provided it answers synchronously
 * (e.g. from a cache filled at start).
 */
export interface SchemaCatalog {
  /** The schema written under this id, or undefined if there is none. */
  byId(id: number): CatalogEntry | undefined;
  /** The newest version of a subject, or undefined if the subject is unknown. */
  latest(subject: string): CatalogEntry | undefined;
}

/** A catalog that can also list its entries, ordered by id. */
export interface StaticCatalog extends SchemaCatalog {
  readonly entries: readonly CatalogEntry[];
}

/**
 * An in-memory catalog over the given entries. Throws if two entries share an id or a
 * (subject, version), or if an entry's schema is not a record named after its subject.
 */
export function createCatalog(entries: readonly CatalogEntry[]): StaticCatalog {
  const byId = new Map<number, CatalogEntry>();
  const byVersion = new Set<string>();
  const latest = new Map<string, CatalogEntry>();
  for (const entry of entries) {
    const where = `${entry.subject} v${entry.version} (id ${entry.id})`;
    if (!Number.isInteger(entry.id) || entry.id < 1) throw new Error(`${where}: the schema id must be a positive integer`);
    if (!Number.isInteger(entry.version) || entry.version < 1) throw new Error(`${where}: the version must be a positive integer`);
    if (entry.type.name !== entry.subject) {
      throw new Error(`${where}: the schema defines ${entry.type.name ?? 'an unnamed type'}, not ${entry.subject}`);
    }
    const other = byId.get(entry.id);
    if (other) throw new Error(`${where}: schema id ${entry.id} is already used by ${other.subject} v${other.version}`);
    const versionKey = `${entry.subject}@${entry.version}`;
    if (byVersion.has(versionKey)) throw new Error(`${where}: ${entry.subject} v${entry.version} is listed twice`);
    byId.set(entry.id, entry);
    byVersion.add(versionKey);
    const newest = latest.get(entry.subject);
    if (!newest || newest.version < entry.version) latest.set(entry.subject, entry);
  }
  const sorted = [...entries].sort((a, b) => a.id - b.id);
  return {
    entries: sorted,
    byId: (id) => byId.get(id),
    latest: (subject) => latest.get(subject),
  };
}

/** The latest entry of every subject, subjects in the order of their first schema id. */
export function latestEntries(catalog: StaticCatalog): CatalogEntry[] {
  const subjects = [...new Set(catalog.entries.map((e) => e.subject))];
  return subjects.map((subject) => catalog.latest(subject)).filter((e): e is CatalogEntry => e !== undefined);
}
