import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { createGatewayMetrics } from './gatewayMetrics';
import { createSession, type SessionSocket } from './session';
import { createTokenBucket } from './tokenBucket';
import type { ConversationFeed } from './conversationFeed';

function fakeSocket(options: { bufferedPerSend?: number; status?: number } = {}) {
  const sent: Record<string, unknown>[] = [];
  const ends: { code: number; reason: string }[] = [];
  let buffered = 0;
  const socket: SessionSocket = {
    send(text) {
      sent.push(JSON.parse(text) as Record<string, unknown>);
      buffered += options.bufferedPerSend ?? 0;
      return options.status ?? 1;
    },
    getBufferedAmount: () => buffered,
    end: (code, reason) => void ends.push({ code, reason }),
  };
  return { socket, sent, ends };
}

function session(socket: SessionSocket, maxBufferedBytes = 1_000) {
  return createSession({
    id: 's1',
    userId: 'alice',
    socket,
    maxBufferedBytes,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger: createLogger('test', 'error', {}, () => undefined),
    createFeed: () => ({}) as ConversationFeed,
  });
}

test('a client whose send buffer passes the limit is closed with 4009 slow_consumer', () => {
  const s = fakeSocket({ bufferedPerSend: 600 });
  const sess = session(s.socket);
  assert.equal(sess.send({ type: 'ok', id: '1', result: {} }), true);
  assert.equal(sess.send({ type: 'ok', id: '2', result: {} }), false);
  assert.deepEqual(s.ends, [{ code: 4009, reason: 'slow_consumer' }]);
  assert.equal(sess.isOpen(), false);
  assert.equal(sess.send({ type: 'ok', id: '3', result: {} }), false, 'nothing is sent after the close');
  assert.equal(s.sent.length, 2);
});

test('a dropped message closes the socket too', () => {
  const s = fakeSocket({ status: 2 });
  const sess = session(s.socket);
  sess.send({ type: 'ok', id: '1', result: {} });
  assert.deepEqual(s.ends, [{ code: 4009, reason: 'slow_consumer' }]);
});

test('a pending request is answered exactly once', () => {
  const s = fakeSocket();
  const sess = session(s.socket);
  assert.equal(sess.begin('r1', 'command', null), true);
  assert.equal(sess.begin('r1', 'command', null), false, 'the same id cannot be pending twice');
  assert.equal(sess.answer('r1', { seq: 1 }), true);
  assert.equal(sess.answer('r1', { seq: 1 }), false);
  assert.equal(sess.fail('r1', 'internal'), false);
  assert.deepEqual(s.sent, [{ type: 'ok', id: 'r1', result: { seq: 1 } }]);
});

test('a request without an answer in time gets a retriable timeout error', async () => {
  const s = fakeSocket();
  const sess = session(s.socket);
  sess.begin('r2', 'command', 10);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(s.sent.length, 1);
  assert.deepEqual({ ...s.sent[0], message: undefined }, { type: 'error', id: 'r2', code: 'timeout', retriable: true, message: undefined });
  assert.equal(sess.answer('r2', {}), false, 'a late answer is dropped');
});

test('router error codes keep their code, and retriable comes from the table', () => {
  const s = fakeSocket();
  const sess = session(s.socket);
  sess.begin('a', 'command', null);
  sess.fail('a', 'not_member', 'you are not a member');
  sess.begin('b', 'command', null);
  sess.fail('b', 'some_future_code', 'new');
  assert.deepEqual(s.sent, [
    { type: 'error', id: 'a', code: 'not_member', message: 'you are not a member', retriable: false },
    { type: 'error', id: 'b', code: 'some_future_code', message: 'new', retriable: false },
  ]);
});

test('after the socket closed nothing is sent and pending requests are dropped', () => {
  const s = fakeSocket();
  const sess = session(s.socket);
  sess.begin('r', 'command', 10_000);
  sess.closed();
  assert.equal(sess.answer('r', {}), false);
  assert.equal(s.sent.length, 0);
});
