import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { latestEntries, type StaticCatalog } from './catalog';
import { createCodec } from './createCodec';
import { SAMPLES } from './samples';

/**
 * Golden recordings: wire bytes made once by the encoder and checked in, so that any change of the
 * bytes an encoder produces, or of how recorded bytes decode, fails a test. Files are
 * golden/<subject>.v<version>.<case>.json and are never rewritten except by a deliberate re-recording.
 */
export interface GoldenRecord {
  readonly subject: string;
  readonly version: number;
  readonly schemaId: number;
  readonly case: string;
  /** The value as the codec returns it for this version. */
  readonly value: unknown;
  /** The whole record value (header and Avro payload) in hex. */
  readonly hex: string;
}

export const GOLDEN_DIR = 'golden';

export function goldenFileName(record: Pick<GoldenRecord, 'subject' | 'version' | 'case'>): string {
  return `${record.subject}.v${record.version}.${record.case}.json`;
}

export function readGoldenRecords(root: string): GoldenRecord[] {
  const dir = path.join(root, GOLDEN_DIR);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as GoldenRecord);
}

/** Records every sample with the latest schema of its subject; returns the files written. */
export function recordGolden(catalog: StaticCatalog, root: string): string[] {
  const codec = createCodec(catalog);
  const dir = path.join(root, GOLDEN_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const entry of latestEntries(catalog)) {
    for (const [name, value] of Object.entries(SAMPLES[entry.subject] ?? {})) {
      const bytes = codec.encode(entry.subject, value);
      const record: GoldenRecord = {
        subject: entry.subject,
        version: entry.version,
        schemaId: entry.id,
        case: name,
        value,
        hex: bytes.toString('hex'),
      };
      const file = path.join(dir, goldenFileName(record));
      writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
      written.push(file);
    }
  }
  return written;
}
