import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTimeline, type Timeline } from './timeline';
import { GROUP, message } from './testSupport/events';
import type { ClientEvent } from './wire';

function setup(initial: Record<string, number> = {}) {
  const delivered: ClientEvent[] = [];
  const saved: [string, number][] = [];
  const gaps: string[] = [];
  const timeline: Timeline = createTimeline({
    initial,
    selfId: () => 'me',
    deliver: (event) => delivered.push(event),
    advanced: (conversationId, seq) => saved.push([conversationId, seq]),
    gapOpened: (conversationId) => gaps.push(conversationId),
  });
  return { timeline, delivered, saved, gaps, seqs: () => delivered.map((e) => e.seq) };
}

test('events are delivered in order, and anything at or below the cursor is a duplicate and dropped', () => {
  const { timeline, seqs, saved } = setup({ [GROUP]: 2 });
  for (const seq of [1, 2, 3, 3, 4, 2, 5]) timeline.accept(message(seq), 'server');
  assert.deepEqual(seqs(), [3, 4, 5]);
  assert.equal(timeline.cursor(GROUP), 5);
  assert.deepEqual(saved.at(-1), [GROUP, 5]);
});

test('a jump waits for the hole to be filled, then everything behind it is delivered in order', () => {
  const { timeline, seqs, gaps } = setup();
  timeline.accept(message(1), 'server');
  timeline.accept(message(4), 'server');
  timeline.accept(message(3), 'server');
  assert.deepEqual(seqs(), [1]);
  assert.deepEqual(timeline.gap(GROUP), { from: 2, to: 2 });
  assert.ok(gaps.includes(GROUP));
  timeline.accept(message(2), 'server');
  assert.deepEqual(seqs(), [1, 2, 3, 4]);
  assert.equal(timeline.gap(GROUP), undefined);
});

test('an event built from an ack gives way to the server\'s copy of the same seq, never the other way round', () => {
  const { timeline, delivered } = setup();
  timeline.accept(message(2, { body: 'from the ack', at: 1 }), 'local');
  timeline.accept(message(2, { body: 'from the server' }), 'server');
  timeline.accept(message(3, { body: 'server 3' }), 'server');
  timeline.accept(message(3, { body: 'ack 3' }), 'local');
  timeline.accept(message(1), 'server');
  assert.deepEqual(delivered.map((e) => e.body), ['body 1', 'from the server', 'server 3']);
});

test('being added to a group starts what one can read: nothing before it is waited for', () => {
  const { timeline, seqs } = setup();
  timeline.accept(message(22, { kind: 'member_added', userId: 'me' }), 'server');
  timeline.accept(message(23), 'server');
  assert.deepEqual(seqs(), [22, 23]);
  const other = setup();
  other.timeline.accept(message(22, { kind: 'member_added', userId: 'someone-else' }), 'server');
  assert.deepEqual(other.seqs(), [], 'someone else joining is an ordinary event');
});

test('skipBelow closes a hole that history says cannot be read', () => {
  const { timeline, seqs } = setup();
  timeline.accept(message(5), 'server');
  timeline.accept(message(6), 'server');
  timeline.skipBelow(GROUP, 5);
  assert.deepEqual(seqs(), [5, 6]);
  timeline.skipBelow(GROUP, 3);
  assert.equal(timeline.cursor(GROUP), 6, 'never moves back');
});

test('conversations are independent', () => {
  const other = 'dm.0123456789abcdef0123456789abcdef';
  const { timeline, delivered } = setup();
  timeline.accept(message(2), 'server');
  timeline.accept(message(1, { conversationId: other, conversationKind: 'direct' }), 'server');
  assert.deepEqual(delivered.map((e) => [e.conversationId, e.seq]), [[other, 1]]);
  assert.deepEqual(timeline.cursors(), { [other]: 1 });
});

test('a receipt that does not move its reader forward is a repeat and dropped', () => {
  const { timeline, delivered } = setup();
  const read = (userId: string, upToSeq: number): ClientEvent => message(0, { seq: null, kind: 'read', userId, upToSeq });
  for (const receipt of [read('bob', 3), read('bob', 3), read('bob', 2), read('carol', 2), read('bob', 5)]) timeline.accept(receipt, 'server');
  timeline.accept(message(0, { seq: null, kind: 'delivered', userId: 'bob', upToSeq: 5 }), 'server');
  assert.deepEqual(delivered.map((e) => [e.kind, e.userId, e.upToSeq]), [
    ['read', 'bob', 3],
    ['read', 'carol', 2],
    ['read', 'bob', 5],
    ['delivered', 'bob', 5],
  ]);
});
