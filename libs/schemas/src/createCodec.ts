import type { Type } from 'avsc';
import { avroProblems } from './avroProblems';
import type { CatalogEntry, SchemaCatalog } from './catalog';
import { checkAvroBinary } from './checkAvroBinary';
import {
  EncodeError,
  IncompatibleSchemaError,
  SchemaMismatchError,
  UnknownSchemaIdError,
  UnknownSubjectError,
  WireFormatError,
  type EncodeProblem,
} from './errors';
import { plainMapping, type EncodeContext } from './plainMapping';
import { resolveSchemas, type Resolver } from './resolveSchemas';
import { HEADER_LENGTH, readSchemaId, writeHeader } from './wireFormat';

/** A decoded record value. */
export interface Decoded<T = unknown> {
  /** Subject of the writer schema (RecordNameStrategy: the record's full name). */
  readonly subject: string;
  /** Schema id from the record's header: the schema it was written with. */
  readonly schemaId: number;
  /** The value, resolved to the latest schema of the subject. */
  readonly value: T;
}

/** Encodes and decodes Kafka record values in the Confluent wire format. */
export interface Codec {
  /** Encodes with the latest schema of the subject. Throws UnknownSubjectError or EncodeError. */
  encode(subject: string, value: unknown): Buffer;
  /**
   * Decodes any record of a catalogued schema, reading it with its writer schema and resolving it
   * to the latest schema of its subject, so records written by older code decode with new code.
   * Throws only SchemaError subclasses: WireFormatError, UnknownSchemaIdError, SchemaMismatchError
   * (when `expectedSubject` is given and differs), or IncompatibleSchemaError.
   */
  decode(buffer: Buffer, expectedSubject?: string): Decoded;
}

export function createCodec(catalog: SchemaCatalog): Codec {
  const headers = new Map<number, Buffer>();
  const resolvers = new Map<string, Resolver>();

  function header(schemaId: number): Buffer {
    let bytes = headers.get(schemaId);
    if (!bytes) headers.set(schemaId, (bytes = writeHeader(schemaId)));
    return bytes;
  }

  /** avsc's resolver from the writer's schema to the reader's; undefined when they are the same schema. */
  function resolverFor(writer: CatalogEntry, reader: CatalogEntry): Resolver | undefined {
    if (writer.id === reader.id) return undefined;
    const key = `${writer.id}>${reader.id}`;
    let resolver = resolvers.get(key);
    if (!resolver) {
      try {
        resolver = resolveSchemas(reader.type, writer.type);
      } catch (err) {
        throw new IncompatibleSchemaError(writer.subject, writer.id, reader.id, messageOf(err));
      }
      resolvers.set(key, resolver);
    }
    return resolver;
  }

  return {
    encode(subject, value) {
      const entry = catalog.latest(subject);
      if (!entry) throw new UnknownSubjectError(subject);
      const ctx: EncodeContext = { path: [], problems: [] };
      const avroValue = plainMapping(entry.type).toAvro(value, ctx);
      // avsc's own check is the cheap path; only a value it refuses is walked again for the
      // problems and their paths.
      if (ctx.problems.length > 0 || !entry.type.isValid(avroValue)) {
        const found = avroProblems(entry.type, avroValue).filter((p) => !coveredBy(ctx.problems, p));
        throw new EncodeError(subject, entry.id, [...ctx.problems, ...found]);
      }
      return withHeader(header(entry.id), entry.type, avroValue);
    },

    decode(buffer, expectedSubject) {
      const schemaId = readSchemaId(buffer);
      const writer = catalog.byId(schemaId);
      if (!writer) throw new UnknownSchemaIdError(schemaId);
      if (expectedSubject !== undefined && writer.subject !== expectedSubject) {
        throw new SchemaMismatchError(expectedSubject, writer.subject, schemaId);
      }
      const reader = catalog.latest(writer.subject) ?? writer;
      const resolver = resolverFor(writer, reader);
      const what = `schema id ${schemaId} (${writer.subject} v${writer.version})`;
      try {
        const end = checkAvroBinary(writer.type, buffer, HEADER_LENGTH);
        if (end !== buffer.length) throw new Error(`${buffer.length - end} byte(s) left after the value`);
        const avroValue: unknown = reader.type.fromBuffer(buffer.subarray(HEADER_LENGTH), resolver);
        return { subject: writer.subject, schemaId, value: plainMapping(reader.type).fromAvro(avroValue) };
      } catch (err) {
        throw new WireFormatError(`payload is not valid Avro for ${what}: ${messageOf(err)}`, schemaId, { cause: err });
      }
    },
  };
}

/** Most records fit this; a larger one is encoded again into a buffer of its exact size. */
const FIRST_GUESS_BYTES = 1_024;

/** The header and the Avro binary of a valid value, written into one buffer. */
function withHeader(header: Buffer, type: Type, avroValue: unknown): Buffer {
  const guess = Buffer.allocUnsafe(FIRST_GUESS_BYTES);
  header.copy(guess, 0);
  const end = type.encode(avroValue, guess, HEADER_LENGTH);
  if (end >= 0) return guess.subarray(0, end);
  // A negative result is minus the number of bytes that were missing.
  const exact = Buffer.allocUnsafe(guess.length - end);
  header.copy(exact, 0);
  type.encode(avroValue, exact, HEADER_LENGTH);
  return exact;
}

/** Whether a problem is at or inside a path already reported (where conversion left a hole). */
function coveredBy(reported: readonly EncodeProblem[], problem: EncodeProblem): boolean {
  return reported.some(
    ({ path }) => path === '' || problem.path === path || problem.path.startsWith(`${path}.`) || problem.path.startsWith(`${path}[`),
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
