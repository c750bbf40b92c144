import type { Type } from 'avsc';
import { isArray, isEnum, isFixed, isLogical, isMap, isRecord, isUnion } from './avroTypes';

/**
 * Walks Avro binary data against its writer schema without building values, and throws a plain
 * Error naming the problem if the bytes cannot be a value of that schema.
 *
 * avsc trusts lengths and counts read from the data: a garbage array block count of 2^31 makes it
 * allocate and loop until the process runs out of memory. Checking every length and count against
 * the bytes that are left, before avsc decodes, keeps hostile or corrupt input from doing that.
 * Returns the offset just past the value.
 */
export function checkAvroBinary(type: Type, buffer: Buffer, offset: number): number {
  const cursor = { buffer, pos: offset, zeroSizeItems: 0 };
  checkerOf(type)(cursor);
  return cursor.pos;
}

interface Cursor {
  readonly buffer: Buffer;
  pos: number;
  /** Items of zero-byte types (e.g. null) seen so far; they cost nothing on the wire, so they are capped. */
  zeroSizeItems: number;
}

const MAX_VARINT_BYTES = 10;
const MAX_ZERO_SIZE_ITEMS = 1_000_000;

/** Checks one value of a type at the cursor and moves past it. */
type Check = (cursor: Cursor) => void;

/**
 * Each type is turned into a check once, so that a walk does no type dispatch: it runs for every
 * record the services read.
 */
const checks = new WeakMap<Type, Check>();

function checkerOf(type: Type): Check {
  const known = checks.get(type);
  if (known) return known;
  // A recursive type reaches itself while being compiled: it finds this forward reference.
  let compiled: Check | undefined;
  checks.set(type, (cursor) => compiled!(cursor));
  compiled = compile(type);
  checks.set(type, compiled);
  return compiled;
}

const skipping = (length: number, what: string): Check => (cursor) => skip(cursor, length, what);
const NOTHING: Check = () => undefined;

function compile(type: Type): Check {
  switch (type.typeName) {
    case 'null':
      return NOTHING;
    case 'boolean':
      return skipping(1, 'boolean');
    case 'int':
      return (cursor) => {
        const at = cursor.pos;
        const value = readVarint(cursor);
        // avsc reads a longer varint into an int without complaint; the value would not fit the schema.
        if (value < -0x80000000 || value > 0x7fffffff) throw new Error(`int at offset ${at} is out of range: ${value}`);
      };
    case 'long':
      return (cursor) => void readVarint(cursor);
    case 'float':
      return skipping(4, 'float');
    case 'double':
      return skipping(8, 'double');
    case 'string':
    case 'bytes': {
      const what = type.typeName;
      return (cursor) => skip(cursor, readLength(cursor, what), what);
    }
  }
  if (isFixed(type)) return skipping(type.size, `fixed ${type.name ?? ''}`);
  if (isEnum(type)) {
    const count = type.symbols.length;
    const what = `enum ${type.name ?? ''}`;
    return (cursor) => void readIndex(cursor, count, what);
  }
  if (isRecord(type)) {
    const fields = type.fields.map((field) => checkerOf(field.type));
    return (cursor) => {
      for (const field of fields) field(cursor);
    };
  }
  if (isUnion(type)) {
    const branches = type.types.map(checkerOf);
    const count = branches.length;
    return (cursor) => branches[readIndex(cursor, count, 'union')]!(cursor);
  }
  if (isArray(type)) return blocks([type.itemsType]);
  if (isMap(type)) return blocks([STRING_KEY, type.valuesType as Type]);
  if (isLogical(type)) return checkerOf(type.underlyingType);
  const name = type.typeName;
  return () => {
    throw new Error(`unsupported Avro type ${name}`);
  };
}

/**
 * Array and map data: blocks of `count` items (an item is one value, or a key and a value), a
 * negative count being followed by the block's byte size; a zero count ends the data.
 */
function blocks(partTypes: readonly Type[]): Check {
  const itemSize = partTypes.reduce((sum, part) => sum + minSize(part), 0);
  const parts = partTypes.map(checkerOf);
  return (cursor) => {
    for (;;) {
      let count = readVarint(cursor);
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        readLength(cursor, 'block');
      }
      const left = cursor.buffer.length - cursor.pos;
      if (itemSize > 0 && count * itemSize > left) {
        throw new Error(`block of ${count} items at offset ${cursor.pos} cannot fit in the ${left} bytes left`);
      }
      if (itemSize === 0) {
        cursor.zeroSizeItems += count;
        if (cursor.zeroSizeItems > MAX_ZERO_SIZE_ITEMS) throw new Error(`more than ${MAX_ZERO_SIZE_ITEMS} empty items`);
      }
      for (let i = 0; i < count; i++) for (const part of parts) part(cursor);
    }
  };
}

const STRING_KEY = { typeName: 'string' } as Type;

/** The fewest bytes a value of the type takes, used to bound block counts. */
function minSize(type: Type, visiting: Set<Type> = new Set()): number {
  switch (type.typeName) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
  }
  if (isFixed(type)) return type.size;
  if (isLogical(type)) return minSize(type.underlyingType, visiting);
  if (isRecord(type)) {
    if (visiting.has(type)) return 0;
    visiting.add(type);
    const size = type.fields.reduce((sum, field) => sum + minSize(field.type, visiting), 0);
    visiting.delete(type);
    return size;
  }
  return 1; // booleans, varints, lengths, union indexes and block terminators take at least a byte
}

function skip(cursor: Cursor, length: number, what: string): void {
  const left = cursor.buffer.length - cursor.pos;
  if (length > left) throw new Error(`${what} of ${length} bytes at offset ${cursor.pos} runs past the end (${left} left)`);
  cursor.pos += length;
}

function readLength(cursor: Cursor, what: string): number {
  const at = cursor.pos;
  const length = readVarint(cursor);
  if (length < 0) throw new Error(`negative ${what} length ${length} at offset ${at}`);
  return length;
}

function readIndex(cursor: Cursor, count: number, what: string): number {
  const at = cursor.pos;
  const index = readVarint(cursor);
  if (index < 0 || index >= count) throw new Error(`${what} index ${index} at offset ${at} is out of range (0..${count - 1})`);
  return index;
}

/** A zigzag-encoded varint (int or long), at most 10 bytes. */
function readVarint(cursor: Cursor): number {
  const { buffer } = cursor;
  const start = cursor.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = buffer[cursor.pos];
    if (byte === undefined) throw new Error(`varint at offset ${start} runs past the end`);
    cursor.pos++;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return value % 2 ? -(value + 1) / 2 : value / 2;
  }
  throw new Error(`varint at offset ${start} is longer than ${MAX_VARINT_BYTES} bytes`);
}
