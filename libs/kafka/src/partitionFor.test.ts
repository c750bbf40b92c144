import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners } from 'kafkajs';
import { partitionFor } from './partitionFor';

test('matches the Java-compatible default partitioner of kafkajs for many keys and counts', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'dm.alice.bob', 'grp_01HZX', 'ünïcødé', 'x'.repeat(97)];
  for (let i = 0; i < 200; i++) keys.push(`conversation-${i}-${(i * 7919).toString(36)}`);
  for (const count of [1, 3, 12, 16, 50]) {
    const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0 }));
    for (const key of keys) {
      const expected = partitioner({ topic: 't', partitionMetadata: partitionMetadata as never, message: { key, value: null } });
      assert.equal(partitionFor(key, count), expected, `key ${JSON.stringify(key)} with ${count} partitions`);
    }
  }
});

test('known values recorded from the Java client', () => {
  // Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % n, printed by kafka-clients 3.9.1
  const recorded: [string, number, number][] = [
    ['21', 0, 12],
    ['dm.alice.bob', 7, 11],
    ['hello world', 7, 3],
    ['ünïcødé', 2, 14],
  ];
  for (const [key, mod12, mod16] of recorded) {
    assert.equal(partitionFor(key, 12), mod12, key);
    assert.equal(partitionFor(key, 16), mod16, key);
  }
  assert.throws(() => partitionFor('k', 0), RangeError);
});
