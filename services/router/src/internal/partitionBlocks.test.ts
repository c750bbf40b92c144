import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignBlocks, blockCount, blockOf, partitionsOfBlock } from './partitionBlocks';

test('a block holds consecutive partitions; the last one may be shorter', () => {
  assert.deepEqual(partitionsOfBlock(0, 4, 12), [0, 1, 2, 3]);
  assert.deepEqual(partitionsOfBlock(2, 5, 12), [10, 11]);
  assert.deepEqual(partitionsOfBlock(0, 12, 12), Array.from({ length: 12 }, (_, i) => i));
  assert.equal(blockCount(12, 5), 3);
  assert.equal(blockOf(11, 5), 2);
  assert.equal(blockOf(7, 1), 7);
});

test('blocks go whole to members, the same answer whatever order the members come in', () => {
  const partitions = Array.from({ length: 12 }, (_, i) => i);
  const one = assignBlocks(['b', 'a', 'c'], partitions, 4);
  assert.deepEqual(one, assignBlocks(['c', 'b', 'a'], partitions, 4));
  assert.deepEqual(one.get('a'), [0, 1, 2, 3]);
  assert.deepEqual(one.get('b'), [4, 5, 6, 7]);
  assert.deepEqual(one.get('c'), [8, 9, 10, 11]);
});

test('with more members than blocks the rest stand by; with one block size 1 every partition is its own', () => {
  const partitions = Array.from({ length: 12 }, (_, i) => i);
  const standby = assignBlocks(['m1', 'm2'], partitions, 12);
  assert.deepEqual(standby.get('m1'), partitions);
  assert.deepEqual(standby.get('m2'), []);
  const single = assignBlocks(['x', 'y', 'z'], partitions, 1);
  assert.deepEqual(single.get('x'), [0, 3, 6, 9]);
  const owned = [...single.values()].flat().sort((a, b) => a - b);
  assert.deepEqual(owned, partitions, 'every partition has exactly one owner');
});

test('no members, no assignment', () => {
  assert.equal(assignBlocks([], [0, 1], 2).size, 0);
});
