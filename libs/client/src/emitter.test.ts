import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEmitter } from './emitter';

test('listeners get what is emitted until they are removed; once fires once', () => {
  const emitter = createEmitter<{ a: number; b: string }>();
  const got: unknown[] = [];
  const off = emitter.on('a', (n) => got.push(n));
  emitter.once('b', (s) => got.push(s));
  emitter.emit('a', 1);
  emitter.emit('b', 'x');
  emitter.emit('b', 'y');
  off();
  emitter.emit('a', 2);
  assert.deepEqual(got, [1, 'x']);
  assert.equal(emitter.listenerCount('a'), 0);
});

test('a throwing listener does not stop the others; its error is reported', () => {
  const reported: unknown[] = [];
  const emitter = createEmitter<{ a: number }>((err) => reported.push(err));
  const got: number[] = [];
  emitter.on('a', () => {
    throw new Error('listener bug');
  });
  emitter.on('a', (n) => got.push(n));
  emitter.emit('a', 7);
  assert.deepEqual(got, [7]);
  assert.match(String(reported[0]), /listener bug/);
});
