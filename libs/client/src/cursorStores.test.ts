import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localStorageCursorStore, memoryCursorStore, type StorageLike } from './cursorStores';

class FakeStorage implements StorageLike {
  readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

test('the memory store keeps what it is given', async () => {
  const store = memoryCursorStore({ 'dm.a': 3 });
  store.save('dm.a', 4);
  store.save('grp.b', 1);
  assert.deepEqual(await store.load(), { 'dm.a': 4, 'grp.b': 1 });
});

test('the localStorage store keeps one key per conversation under its prefix and ignores anything else', () => {
  const storage = new FakeStorage();
  storage.setItem('unrelated', '9');
  storage.setItem('sb.alice.dm.broken', 'not a number');
  const store = localStorageCursorStore({ storage, prefix: 'sb.alice.' });
  store.save('dm.a', 12);
  store.save('grp.b', 3);
  assert.equal(storage.getItem('sb.alice.dm.a'), '12');
  assert.deepEqual(localStorageCursorStore({ storage, prefix: 'sb.alice.' }).load(), { 'dm.a': 12, 'grp.b': 3 });
  assert.deepEqual(localStorageCursorStore({ storage, prefix: 'sb.bob.' }).load(), {});
});

test('without localStorage and without a storage the store says so', () => {
  assert.throws(() => localStorageCursorStore(), /no localStorage/);
});
