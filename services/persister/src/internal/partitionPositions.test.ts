import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPartitionPositions } from './partitionPositions';

const stored = (offset: number | undefined) => {
  let reads = 0;
  return { read: async () => (reads++, offset), reads: () => reads };
};

test('a first batch that starts at the stored offset is projected, later ones without reading it again', async () => {
  const positions = createPartitionPositions();
  const db = stored(40);
  assert.deepEqual(await positions.decide(3, 40, db.read), { action: 'project' });
  assert.deepEqual(await positions.decide(3, 55, db.read), { action: 'project' });
  assert.equal(db.reads(), 1);
});

test('nothing stored means the partition starts at offset 0', async () => {
  const positions = createPartitionPositions();
  assert.deepEqual(await positions.decide(0, 0, stored(undefined).read), { action: 'project' });
  assert.deepEqual(await createPartitionPositions().decide(0, 17, stored(undefined).read), { action: 'seek', offset: 0 });
});

test('a first batch behind or ahead of the stored offset moves the consumer there', async () => {
  const positions = createPartitionPositions();
  assert.deepEqual(await positions.decide(1, 10, stored(25).read), { action: 'seek', offset: 25 });
  assert.deepEqual(await positions.decide(2, 30, stored(25).read), { action: 'seek', offset: 25 });
});

test('after a seek, a batch starting at or past the target is accepted; one before it seeks again', async () => {
  const positions = createPartitionPositions();
  const db = stored(25);
  await positions.decide(1, 10, db.read);
  assert.deepEqual(await positions.decide(1, 12, db.read), { action: 'seek', offset: 25 });
  // 25 and 26 were a transaction marker and an aborted record, which the client does not hand over.
  assert.deepEqual(await positions.decide(1, 27, db.read), { action: 'project' });
  assert.deepEqual(await positions.decide(1, 40, db.read), { action: 'project' });
});

test('a reassignment checks every partition against the database again', async () => {
  const positions = createPartitionPositions();
  assert.deepEqual(await positions.decide(1, 5, stored(5).read), { action: 'project' });
  positions.reset();
  assert.deepEqual(await positions.decide(1, 9, stored(20).read), { action: 'seek', offset: 20 });
});
