import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from './session';
import { createSessionRegistry } from './sessionRegistry';

const session = (id: string, userId: string) => ({ id, userId }) as unknown as Session;
const ids = (sessions: readonly Session[]) => sessions.map((s) => s.id);

function visited(registry: ReturnType<typeof createSessionRegistry>, userId: string): string[] {
  const seen: string[] = [];
  registry.forEachOfUser(userId, (s) => void seen.push(s.id));
  return seen;
}

test('sessions are found by id and by user, one or several per user', () => {
  const registry = createSessionRegistry();
  const [a1, a2, a3, b1] = [session('a1', 'ann'), session('a2', 'ann'), session('a3', 'ann'), session('b1', 'bob')];
  for (const s of [a1, a2, a3, b1, a2]) registry.add(s);
  assert.equal(registry.size(), 4);
  assert.equal(registry.get('a2'), a2);
  assert.deepEqual(ids(registry.ofUser('ann')), ['a1', 'a2', 'a3'], 'added twice, held once');
  assert.deepEqual(visited(registry, 'bob'), ['b1']);
  assert.deepEqual([ids(registry.ofUser('nobody')), visited(registry, 'nobody')], [[], []]);

  registry.remove(a2);
  assert.deepEqual(visited(registry, 'ann'), ['a1', 'a3']);
  registry.remove(a1);
  assert.deepEqual(visited(registry, 'ann'), ['a3']);
  registry.remove(a3);
  registry.remove(b1);
  assert.deepEqual([registry.size(), ids(registry.all()), ids(registry.ofUser('ann')), visited(registry, 'bob')], [0, [], [], []]);
});

test('a session removed or added during a visit does not disturb it', () => {
  const registry = createSessionRegistry();
  const [a1, a2, a3] = [session('a1', 'ann'), session('a2', 'ann'), session('a3', 'ann')];
  registry.add(a1);
  registry.add(a2);
  const seen: string[] = [];
  registry.forEachOfUser('ann', (s) => {
    seen.push(s.id);
    registry.remove(a2);
    registry.add(a3);
  });
  assert.deepEqual(seen, ['a1', 'a2']);
  assert.deepEqual(ids(registry.ofUser('ann')), ['a1', 'a3']);
});

test('removing a session that was replaced under its id leaves the newer one', () => {
  const registry = createSessionRegistry();
  const old = session('s', 'ann');
  const newer = session('s', 'ann');
  registry.add(old);
  registry.add(newer);
  registry.remove(old);
  assert.equal(registry.get('s'), newer);
  assert.deepEqual(registry.ofUser('ann'), [newer]);
});
