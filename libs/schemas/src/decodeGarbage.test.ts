import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCodec } from './createCodec';
import {
  IncompatibleSchemaError,
  SchemaMismatchError,
  UnknownSchemaIdError,
  WireFormatError,
} from './errors';
import { loadFileCatalog } from './loadFileCatalog';
import { SAMPLES } from './samples';
import { randomBytes, seededRandom } from './testSupport';

const catalog = loadFileCatalog();
const codec = createCodec(catalog);
const ids = catalog.entries.map((e) => e.id);
const valid = Object.entries(SAMPLES).flatMap(([subject, cases]) => Object.values(cases).map((v) => codec.encode(subject, v)));

/** Decodes and returns the typed error, or undefined if the bytes decoded; anything else thrown fails the test. */
function decodeOrTypedError(bytes: Buffer, context: string): Error | undefined {
  try {
    const decoded = codec.decode(bytes);
    // Whatever decodes is a valid value of its subject: it encodes again.
    codec.encode(decoded.subject, decoded.value);
    return undefined;
  } catch (err) {
    const typed =
      err instanceof WireFormatError ||
      err instanceof UnknownSchemaIdError ||
      err instanceof SchemaMismatchError ||
      err instanceof IncompatibleSchemaError;
    assert.ok(typed, `${context}: ${bytes.toString('hex')} threw ${String(err)}`);
    assert.equal(err.retriable, false);
    return err;
  }
}

test('an unknown schema id is named in the error', () => {
  const bytes = Buffer.from([0, 0, 0, 0x30, 0x39, 2, 0]);
  assert.throws(
    () => codec.decode(bytes),
    (err: unknown) => err instanceof UnknownSchemaIdError && err.schemaId === 12345 && /unknown schema id 12345/.test(err.message),
  );
});

test('a bad magic byte is named in the error', () => {
  assert.throws(() => codec.decode(Buffer.from('{"type":"SendMessage"}')), /bad magic byte 0x7b/);
  assert.throws(() => codec.decode(Buffer.from('{"type":"SendMessage"}')), WireFormatError);
});

test('a buffer shorter than the header, an empty buffer and a missing value are wire-format errors', () => {
  assert.throws(() => codec.decode(Buffer.from([0, 0, 0])), /too short: 3 byte\(s\)/);
  assert.throws(() => codec.decode(Buffer.alloc(0)), WireFormatError);
  assert.throws(() => codec.decode(null as unknown as Buffer), /not a Buffer \(got null\)/);
});

test('every truncation of a valid record is a wire-format error', () => {
  for (const bytes of valid) {
    for (let length = 0; length < bytes.length; length++) {
      const err = decodeOrTypedError(bytes.subarray(0, length), `truncated to ${length}`);
      assert.ok(err instanceof WireFormatError, `truncated to ${length} bytes: ${bytes.toString('hex')} decoded`);
    }
  }
});

test('trailing bytes after a valid record are a wire-format error', () => {
  const bytes = Buffer.concat([valid[0] ?? Buffer.alloc(0), Buffer.from([0])]);
  assert.throws(() => codec.decode(bytes), /1 byte\(s\) left after the value/);
});

test('a huge array count is rejected before any allocation', () => {
  // Command v1, CreateGroup, with a members block count of 2^31: avsc alone would allocate and fill
  // an array that large and take the process down with an out-of-memory crash.
  const createGroup = codec.encode('io.switchboard.Command', SAMPLES['io.switchboard.Command']?.CreateGroup);
  const countAt = createGroup.length - 'bob'.length - 'carol'.length - 4; // count, len, "bob", len, "carol", end
  assert.equal(createGroup[countAt], 4, 'the block count of two members (zigzag 2 = 4)');
  const hostile = Buffer.concat([createGroup.subarray(0, countAt), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10])]);
  assert.throws(() => codec.decode(hostile), /block of 2147483648 items .* cannot fit/);
});

test('random buffers never throw anything but the typed errors', () => {
  const random = seededRandom(20250102);
  for (let i = 0; i < 3000; i++) decodeOrTypedError(randomBytes(random, Math.floor(random() * 64)), `random #${i}`);
});

test('random payloads behind a valid header never throw anything but the typed errors', () => {
  const random = seededRandom(7);
  for (let i = 0; i < 3000; i++) {
    const header = Buffer.from([0, 0, 0, 0, 0]);
    header.writeInt32BE(ids[i % ids.length] ?? 1, 1);
    decodeOrTypedError(Buffer.concat([header, randomBytes(random, Math.floor(random() * 200))]), `payload #${i}`);
  }
});

test('corrupted valid records never throw anything but the typed errors', () => {
  const random = seededRandom(42);
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = Buffer.from(valid[i % valid.length] ?? Buffer.alloc(0));
    const flips = 1 + Math.floor(random() * 3);
    for (let f = 0; f < flips; f++) bytes[5 + Math.floor(random() * (bytes.length - 5))] = Math.floor(random() * 256);
    if (decodeOrTypedError(bytes, `corrupted #${i}`) === undefined) decoded++;
  }
  assert.ok(decoded > 0, 'some corruptions (e.g. inside a string) still decode');
});
