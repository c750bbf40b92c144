import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterArrival } from './afterArrival';

function controlledReads() {
  const pending: { resolve: (value: number) => void; reject: (err: Error) => void }[] = [];
  let started = 0;
  const read = () =>
    new Promise<number>((resolve, reject) => {
      started += 1;
      pending.push({ resolve, reject });
    });
  return { read, pending, started: () => started };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('callers arriving while a read is in flight share the one next read', async () => {
  const reads = controlledReads();
  const shared = afterArrival(reads.read);
  const first = shared();
  await tick();
  const later = [shared(), shared(), shared()];
  await tick();
  assert.equal(reads.started(), 1, 'the next read waits for the one in flight');
  reads.pending[0]!.resolve(1);
  assert.equal(await first, 1);
  await tick();
  assert.equal(reads.started(), 2);
  reads.pending[1]!.resolve(2);
  assert.deepEqual(await Promise.all(later), [2, 2, 2], 'nobody who came later got the read that began before them');
});

test('a failed read fails only its own callers; the next one reads again', async () => {
  const reads = controlledReads();
  const shared = afterArrival(reads.read);
  const first = shared();
  const second = shared();
  await tick();
  reads.pending[0]!.reject(new Error('broker down'));
  await assert.rejects(first, /broker down/);
  await tick();
  reads.pending[1]!.resolve(7);
  assert.equal(await second, 7);
  const third = shared();
  await tick();
  assert.equal(reads.started(), 3, 'with nothing in flight a caller starts its own read');
  reads.pending[2]!.resolve(8);
  assert.equal(await third, 8);
});
