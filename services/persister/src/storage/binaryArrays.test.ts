import { test } from 'node:test';
import assert from 'node:assert/strict';
import { int4Array, int8Array, jsonbArray, textArray, timestamptzArray } from './binaryArrays';

const words = (buffer: Buffer, count: number) => Array.from({ length: count }, (_, i) => buffer.readInt32BE(i * 4));

test('the header names one dimension, the null flag, the element type and the length from index 1', () => {
  assert.deepEqual(words(textArray(['a', 'b']), 5), [1, 0, 25, 2, 1]);
  assert.deepEqual(words(textArray(['a', null]), 5), [1, 1, 25, 2, 1]);
  assert.deepEqual(words(int8Array([1]), 3), [1, 0, 20]);
  assert.deepEqual(words(int4Array([1]), 3), [1, 0, 23]);
  assert.deepEqual(words(timestamptzArray([0]), 3), [1, 0, 1184]);
  assert.deepEqual(words(jsonbArray(['{}']), 3), [1, 0, 3802]);
});

test('an empty array has no dimensions', () => {
  assert.deepEqual(words(textArray([]), 3), [0, 0, 25]);
  assert.equal(textArray([]).length, 12);
});

test('text elements are their UTF-8 bytes after their length, a null is length -1', () => {
  const buffer = textArray(['é€😀', null, '']);
  const first = buffer.readInt32BE(20);
  assert.equal(first, Buffer.byteLength('é€😀'));
  assert.equal(buffer.subarray(24, 24 + first).toString('utf8'), 'é€😀');
  assert.equal(buffer.readInt32BE(24 + first), -1);
  assert.equal(buffer.readInt32BE(28 + first), 0);
  assert.equal(buffer.length, 32 + first);
});

test('a jsonb element is the format version 1 and the JSON text', () => {
  const buffer = jsonbArray(['{"a":1}']);
  assert.equal(buffer.readInt32BE(20), 8);
  assert.equal(buffer[24], 1);
  assert.equal(buffer.subarray(25).toString('utf8'), '{"a":1}');
});

test('64-bit integers are written big-endian, negative ones in two\'s complement', () => {
  for (const value of [0, 1, -1, 2 ** 32, 2 ** 32 + 5, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    assert.equal(int8Array([value]).readBigInt64BE(24), BigInt(value), String(value));
  }
  assert.throws(() => int8Array([1.5]), RangeError);
  assert.throws(() => int4Array([2 ** 31]), RangeError);
});

test('timestamps count microseconds from 2000-01-01 UTC', () => {
  assert.equal(timestamptzArray([Date.UTC(2000, 0, 1)]).readBigInt64BE(24), 0n);
  assert.equal(timestamptzArray([Date.UTC(2000, 0, 1) + 1_500]).readBigInt64BE(24), 1_500_000n);
  assert.equal(timestamptzArray([0]).readBigInt64BE(24), -946_684_800_000_000n);
});

test('a long array grows its buffer and keeps every element', () => {
  const values = Array.from({ length: 5_000 }, (_, i) => 'x'.repeat(i % 50));
  const buffer = textArray(values);
  let at = 20;
  for (const value of values) {
    const length = buffer.readInt32BE(at);
    assert.equal(buffer.subarray(at + 4, at + 4 + length).toString('utf8'), value);
    at += 4 + length;
  }
  assert.equal(at, buffer.length);
});
