import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendRound } from './sendRound';

function member(log: string[], name: string) {
  return { flushRound: () => void log.push(`flush ${name}`) };
}

test('members that joined are flushed once, in the order they joined, when the round ends', () => {
  const round = new SendRound();
  const log: string[] = [];
  assert.equal(round.isOpen(), false);
  round.run(() => {
    assert.equal(round.isOpen(), true);
    round.join(member(log, 'a'));
    round.join(member(log, 'b'));
    log.push('work done');
  });
  assert.deepEqual(log, ['work done', 'flush a', 'flush b']);
  assert.equal(round.isOpen(), false);
  round.run(() => undefined);
  assert.equal(log.length, 3, 'a later round flushes only its own members');
});

test('a round run inside another is part of it; a failing round still flushes', () => {
  const round = new SendRound();
  const log: string[] = [];
  round.run(() => {
    round.run(() => round.join(member(log, 'inner')));
    log.push('inner round over');
  });
  assert.deepEqual(log, ['inner round over', 'flush inner']);
  assert.throws(() =>
    round.run(() => {
      round.join(member(log, 'failing'));
      throw new Error('boom');
    }),
  );
  assert.deepEqual(log.slice(2), ['flush failing']);
  assert.equal(round.isOpen(), false);
});

test('what waits for the writes runs after the flush, or at once outside a round', () => {
  const round = new SendRound();
  const log: string[] = [];
  round.afterWrite(() => void log.push('no round: at once'));
  round.run(() => {
    round.join(member(log, 'a'));
    round.afterWrite(() => void log.push('after the writes'));
    log.push('work done');
  });
  assert.deepEqual(log, ['no round: at once', 'work done', 'flush a', 'after the writes']);
});
