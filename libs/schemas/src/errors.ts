/**
 * Everything the codec throws. None of these is retriable: the same bytes or the same value fail
 * the same way every time, so a consumer should dead-letter the record rather than retry it.
 */
export abstract class SchemaError extends Error {
  readonly retriable = false as const;
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bytes are not a Confluent wire-format Avro record of the schema their header names. */
export class WireFormatError extends SchemaError {
  readonly code = 'WIRE_FORMAT';

  constructor(
    message: string,
    /** The schema id from the header, when the header was readable. */
    readonly schemaId?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The header names a schema id the catalog does not know. */
export class UnknownSchemaIdError extends SchemaError {
  readonly code = 'UNKNOWN_SCHEMA_ID';

  constructor(readonly schemaId: number) {
    super(
      `unknown schema id ${schemaId}: not in the schema catalog ` +
        '(written by a newer producer than this consumer, or not a Switchboard record)',
    );
  }
}

/** A value was to be encoded under a subject the catalog does not know. */
export class UnknownSubjectError extends SchemaError {
  readonly code = 'UNKNOWN_SUBJECT';

  constructor(readonly subject: string) {
    super(`unknown subject ${JSON.stringify(subject)}: no schema for it in the schema catalog`);
  }
}

/** The record is valid, but of another subject than the caller expected (e.g. a record on the wrong topic). */
export class SchemaMismatchError extends SchemaError {
  readonly code = 'SCHEMA_MISMATCH';

  constructor(
    readonly expectedSubject: string,
    readonly subject: string,
    readonly schemaId: number,
  ) {
    super(`expected a record of ${expectedSubject}, but schema id ${schemaId} is ${subject}`);
  }
}

/**
 * The latest schema of a subject cannot read data written with an older one. The compatibility
 * tests rule this out for the checked-in catalog; it can only come from a catalog that broke the rule.
 */
export class IncompatibleSchemaError extends SchemaError {
  readonly code = 'INCOMPATIBLE_SCHEMA';

  constructor(
    readonly subject: string,
    readonly writerSchemaId: number,
    readonly readerSchemaId: number,
    reason: string,
  ) {
    super(
      `schema id ${writerSchemaId} of ${subject} cannot be read with its latest schema (id ${readerSchemaId}): ${reason}`,
    );
  }
}

/** One field that does not fit the schema, by its path in the TypeScript value (e.g. `body.recipientId`). */
export interface EncodeProblem {
  readonly path: string;
  readonly message: string;
}

/** A value does not fit the schema it was to be encoded with. */
export class EncodeError extends SchemaError {
  readonly code = 'ENCODE';
  /** Path of the first problem; `''` means the value itself. */
  readonly path: string;

  constructor(
    readonly subject: string,
    readonly schemaId: number,
    readonly problems: readonly EncodeProblem[],
  ) {
    const listed = problems.map((p) => `${p.path || '(value)'}: ${p.message}`).join('; ');
    super(`value does not fit ${subject} (schema id ${schemaId}): ${listed}`);
    this.path = problems[0]?.path ?? '';
  }
}
