/*
 * One-dimensional Postgres arrays in the binary wire format, passed as query parameters (node-postgres
 * sends a Buffer parameter as binary). The projection sends every column of a multi-row write as one
 * array; as text, each array would be built by escaping and quoting every element on our side and
 * parsed back by array_in on the server, which for message bodies and JSON payloads is most of the
 * work of the write. The statement still names the type (`$1::text[]`), and the server checks that
 * the element type written here matches it.
 */

const TEXT_OID = 25;
const INT8_OID = 20;
const INT4_OID = 23;
const TIMESTAMPTZ_OID = 1184;
const JSONB_OID = 3802;

const JSONB_VERSION = 1;
/** Postgres timestamps count microseconds from 2000-01-01 00:00 UTC. */
const POSTGRES_EPOCH_MS = 946_684_800_000;
const TWO_TO_32 = 4_294_967_296;

export function textArray(values: readonly (string | null)[]): Buffer {
  const out = new ArrayWriter(TEXT_OID, values, stringBytes(values, 0));
  for (const value of values) {
    if (value === null) out.nullElement();
    else out.stringElement(value, undefined);
  }
  return out.finish();
}

/** jsonb elements from JSON text that is already valid (JSON.stringify's output). */
export function jsonbArray(jsonTexts: readonly string[]): Buffer {
  const out = new ArrayWriter(JSONB_OID, jsonTexts, stringBytes(jsonTexts, 1));
  for (const text of jsonTexts) out.stringElement(text, JSONB_VERSION);
  return out.finish();
}

export function int8Array(values: readonly (number | null)[]): Buffer {
  const out = new ArrayWriter(INT8_OID, values);
  for (const value of values) {
    if (value === null) out.nullElement();
    else out.int64Element(value);
  }
  return out.finish();
}

export function int4Array(values: readonly number[]): Buffer {
  const out = new ArrayWriter(INT4_OID, values);
  for (const value of values) out.int32Element(value);
  return out.finish();
}

/** timestamptz elements from epoch milliseconds. */
export function timestamptzArray(epochMs: readonly number[]): Buffer {
  const out = new ArrayWriter(TIMESTAMPTZ_OID, epochMs);
  for (const ms of epochMs) out.int64Element(Math.round((ms - POSTGRES_EPOCH_MS) * 1000));
  return out.finish();
}

/**
 * Room for the elements of a string array (UTF-8 text after a prefix of `prefixBytes`, or a null),
 * plus what stringElement reserves for the longest one, so the buffer is allocated once.
 */
function stringBytes(values: readonly (string | null)[], prefixBytes: number): number {
  let bytes = 0;
  let longest = 0;
  for (const value of values) {
    if (value === null) {
      bytes += 4;
      continue;
    }
    bytes += 4 + prefixBytes + Buffer.byteLength(value, 'utf8');
    longest = Math.max(longest, value.length);
  }
  return bytes + 5 + longest * 3;
}

/**
 * Writes the array header (dimensions, null flag, element type, length, lower bound 1), then each
 * element as a 32-bit length (-1 for null) and its bytes, into a buffer that grows as needed.
 */
class ArrayWriter {
  private buffer: Buffer;
  private position = 0;

  /** `elementBytes`, when known, sizes the buffer once; fixed-size elements take at most 12 bytes each. */
  constructor(elementOid: number, values: readonly unknown[], elementBytes = values.length * 12) {
    this.buffer = Buffer.allocUnsafe(20 + elementBytes);
    const empty = values.length === 0;
    this.int32(empty ? 0 : 1);
    this.int32(values.includes(null) ? 1 : 0);
    this.int32(elementOid);
    if (empty) return;
    this.int32(values.length);
    this.int32(1);
  }

  nullElement(): void {
    this.ensure(4);
    this.int32(-1);
  }

  int32Element(value: number): void {
    if (!Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647) throw new RangeError(`${value} is not a 32-bit integer`);
    this.ensure(8);
    this.int32(4);
    this.int32(value);
  }

  int64Element(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
    this.ensure(12);
    this.int32(8);
    const high = Math.floor(value / TWO_TO_32);
    this.int32(high);
    this.buffer.writeUInt32BE(value - high * TWO_TO_32, this.position);
    this.position += 4;
  }

  /** A UTF-8 string, after a one-byte prefix when given (jsonb's format version). */
  stringElement(value: string, prefix: number | undefined): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4).
    this.ensure(5 + value.length * 3);
    const lengthAt = this.position;
    this.position += 4;
    let length = 0;
    if (prefix !== undefined) {
      this.buffer[this.position] = prefix;
      this.position += 1;
      length = 1;
    }
    const written = this.buffer.write(value, this.position, 'utf8');
    this.position += written;
    this.buffer.writeInt32BE(length + written, lengthAt);
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  private int32(value: number): void {
    this.buffer.writeInt32BE(value, this.position);
    this.position += 4;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}
