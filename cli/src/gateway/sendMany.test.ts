import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from '@switchboard/client';
import { sendMany } from './sendMany';

test('a message refused for good is recorded with its code; the others are sent and kept in order', async () => {
  const result = await sendMany({
    count: 5,
    send: async (index) => {
      if (index === 3) throw new SwitchboardError('not_member');
      return { conversationId: 'grp.x', seq: index + 1, messageId: `m${index}` };
    },
    ratePerSecond: 1_000_000,
    wait: async () => undefined,
  });
  assert.deepEqual(result.acks.map((a) => a?.seq), [1, 2, 3, undefined, 5]);
  assert.deepEqual(result.failures, [{ index: 3, code: 'not_member', message: 'You are not a member of this conversation.' }]);
});

test('an error that is not a refusal ends the bulk send', async () => {
  await assert.rejects(
    sendMany({ count: 3, send: async () => Promise.reject(new TypeError('bug')), ratePerSecond: 1_000_000, wait: async () => undefined }),
    /bug/,
  );
});

test('sends are paced to the rate: message i starts i/rate seconds after the first', async () => {
  const waits: number[] = [];
  await sendMany({
    count: 20,
    send: async () => ({ conversationId: 'dm.x', seq: 1, messageId: 'm' }),
    ratePerSecond: 10,
    wait: async (ms) => waits.push(ms),
  });
  assert.ok(Math.max(...waits) > 1800 && Math.max(...waits) <= 1900, `longest wait ${Math.max(...waits)} ms`);
});

test('at most inFlight sends await their acks at once', async () => {
  let open = 0;
  let most = 0;
  await sendMany({
    count: 50,
    inFlight: 4,
    send: async () => {
      most = Math.max(most, ++open);
      await new Promise((resolve) => setImmediate(resolve));
      open -= 1;
      return { conversationId: 'dm.x', seq: 1, messageId: 'm' };
    },
    ratePerSecond: 1_000_000,
    wait: async () => undefined,
  });
  assert.equal(most, 4);
});

test('once interrupted no new message starts', async () => {
  const controller = new AbortController();
  let started = 0;
  const result = await sendMany({
    count: 100,
    inFlight: 1,
    send: async (index) => {
      if (++started === 3) controller.abort();
      return { conversationId: 'dm.x', seq: index + 1, messageId: 'm' };
    },
    ratePerSecond: 1_000_000,
    signal: controller.signal,
    wait: async () => undefined,
  });
  assert.equal(started, 3);
  assert.equal(result.acks.filter(Boolean).length, 3);
});
