import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { createGatewayMetrics } from './gatewayMetrics';
import { SendRound } from './sendRound';
import { ClientSession, createSession, sessionEnvironment, type ConnectionSocket, type SessionSocket } from './session';
import { createTokenBucket } from './tokenBucket';
import type { ConversationFeed } from './conversationFeed';

function fakeSocket(options: { bufferedPerSend?: number; status?: number } = {}) {
  const sent: Record<string, unknown>[] = [];
  const ends: { code: number; reason: string }[] = [];
  const state = { buffered: 0, pings: 0, terminated: false };
  const socket: SessionSocket = {
    send(text) {
      sent.push(JSON.parse(text) as Record<string, unknown>);
      state.buffered += options.bufferedPerSend ?? 0;
      return options.status ?? 1;
    },
    getBufferedAmount: () => state.buffered,
    end: (code, reason) => void ends.push({ code, reason }),
    ping: () => void (state.pings += 1),
    terminate: () => void (state.terminated = true),
  };
  return { socket, sent, ends, state };
}

function session(socket: SessionSocket, maxBufferedBytes = 1_000, closeGraceMs = 60_000) {
  return createSession({
    id: 's1',
    userId: 'alice',
    socket,
    maxBufferedBytes,
    closeGraceMs,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger: createLogger('test', 'error', {}, () => undefined),
    createFeed: () => ({}) as ConversationFeed,
  });
}

test('a client whose send buffer passes the limit is closed with 4009 slow_consumer once the buffer drained', () => {
  const s = fakeSocket({ bufferedPerSend: 600 });
  const sess = session(s.socket);
  assert.equal(sess.send({ type: 'ok', id: '1', result: {} }), true);
  assert.equal(sess.send({ type: 'ok', id: '2', result: {} }), false);
  assert.equal(sess.isOpen(), false);
  assert.equal(sess.send({ type: 'ok', id: '3', result: {} }), false, 'nothing is queued after the close');
  assert.equal(s.sent.length, 2);
  assert.deepEqual(s.ends, [], 'the close frame waits: ending now would discard the buffer and the frame with it');
  s.state.buffered = 100;
  sess.drained();
  assert.deepEqual(s.ends, [], 'still buffered');
  s.state.buffered = 0;
  sess.drained();
  assert.deepEqual(s.ends, [{ code: 4009, reason: 'slow_consumer' }]);
  sess.drained();
  assert.equal(s.ends.length, 1, 'closed once');
  assert.equal(s.state.terminated, false);
});

test('a dropped message closes the socket too', () => {
  const s = fakeSocket({ status: 2 });
  const sess = session(s.socket);
  sess.send({ type: 'ok', id: '1', result: {} });
  assert.deepEqual(s.ends, [{ code: 4009, reason: 'slow_consumer' }], 'nothing buffered: the close frame goes at once');
});

test('a client that reads nothing within the close grace is dropped without a close frame', async () => {
  const s = fakeSocket({ bufferedPerSend: 2_000 });
  const sess = session(s.socket, 1_000, 20);
  sess.send({ type: 'ok', id: '1', result: {} });
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(s.state.terminated, true);
  assert.deepEqual(s.ends, []);
  s.state.buffered = 0;
  sess.drained();
  assert.deepEqual(s.ends, [], 'a late drain does not close again');
});

test('activity and pings: seen() moves lastSeenAt, ping() reaches the socket', async () => {
  const s = fakeSocket();
  const sess = session(s.socket);
  const first = sess.lastSeenAt();
  await new Promise((resolve) => setTimeout(resolve, 5));
  sess.seen();
  assert.ok(sess.lastSeenAt() > first);
  sess.ping();
  assert.equal(s.state.pings, 1);
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

function gated(resumeGraceMs: number) {
  return createSession({
    id: 's2',
    userId: 'alice',
    socket: fakeSocket({ bufferedPerSend: 0 }).socket,
    maxBufferedBytes: 1_000,
    resumeGraceMs,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger: createLogger('test', 'error', {}, () => undefined),
    createFeed: () => ({}) as ConversationFeed,
  });
}

async function isOpen(gate: Promise<void>): Promise<boolean> {
  return Promise.race([gate.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
}

test('the live gate opens on the first request, and a sync first also sets where the client stands', async () => {
  const plain = gated(60_000);
  assert.equal(await isOpen(plain.liveGate()), false);
  plain.requestReceived();
  assert.equal(await isOpen(plain.liveGate()), true);
  assert.equal(plain.resumePosition('c'), undefined, 'no sync: no position');

  const resuming = gated(60_000);
  resuming.startSync({ c: 7 });
  assert.equal(await isOpen(resuming.liveGate()), true);
  assert.deepEqual([resuming.resumePosition('c'), resuming.resumePosition('other')], [7, 0]);
});

test('the live gate opens by itself after the resume grace, and at once with a grace of 0', async () => {
  assert.equal(await isOpen(gated(0).liveGate()), true);
  const waiting = gated(20);
  assert.equal(await isOpen(waiting.liveGate()), false);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(await isOpen(waiting.liveGate()), true);
});

test('a session sets no timer for the resume grace until something waits on the live gate', async () => {
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers += 1;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    const idle = Array.from({ length: 50 }, () => gated(60_000));
    assert.equal(timers, 0, 'no timer per idle session');
    const waiting = gated(20);
    const gate = waiting.liveGate();
    waiting.liveGate();
    assert.equal(timers, 1, 'one timer, set by the first wait');
    assert.equal(await isOpen(gate), false);
    await new Promise((r) => realSetTimeout(r, 40));
    assert.equal(await isOpen(gate), true, 'the promise handed out before opens by itself');
    for (const s of idle) s.requestReceived();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
});

test('inOrder: tasks run in the order queued, even when earlier ones wait longer', async () => {
  const errors: unknown[] = [];
  const sess = session(fakeSocket().socket);
  const order: number[] = [];
  const delays = [30, 0, 10, 0];
  const done = new Promise<void>((resolve) => {
    delays.forEach((ms, i) =>
      sess.inOrder(async () => {
        await new Promise((r) => setTimeout(r, ms));
        order.push(i);
        if (i === delays.length - 1) resolve();
      }),
    );
  });
  await done;
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(errors, []);
});

test('inOrder: a failing task is logged and the queue goes on', async () => {
  const logged: string[] = [];
  const sess = createSession({
    id: 's3',
    userId: 'alice',
    socket: fakeSocket().socket,
    maxBufferedBytes: 1_000,
    bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger: createLogger('test', 'error', {}, (line) => void logged.push(line)),
    createFeed: () => ({}) as ConversationFeed,
  });
  const ran: string[] = [];
  sess.inOrder(() => {
    throw new Error('sync boom');
  });
  sess.inOrder(async () => {
    throw new Error('async boom');
  });
  await new Promise<void>((resolve) => sess.inOrder(() => (ran.push('after'), resolve())));
  assert.deepEqual(ran, ['after']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(logged.length, 2);
  assert.ok(logged[0]?.includes('sync boom') && logged[0].includes('"sessionId":"s3"'), logged[0]);
  assert.ok(logged[1]?.includes('async boom'), logged[1]);
});

test('inOrder: a task queued while nothing waits runs at once; later ones wait for the pending one', async () => {
  const sess = session(fakeSocket().socket);
  const ran: string[] = [];
  sess.inOrder(() => void ran.push('sync'));
  assert.deepEqual(ran, ['sync'], 'ran within inOrder()');
  let release!: () => void;
  sess.inOrder(() => new Promise<void>((resolve) => (release = () => (ran.push('slow'), resolve()))));
  sess.inOrder(() => void ran.push('after slow'));
  assert.deepEqual(ran, ['sync']);
  release();
  await new Promise<void>((resolve) => sess.inOrder(() => resolve()));
  assert.deepEqual(ran, ['sync', 'slow', 'after slow']);
  await new Promise((resolve) => setImmediate(resolve));
  sess.inOrder(() => void ran.push('idle again'));
  assert.deepEqual(ran, ['sync', 'slow', 'after slow', 'idle again'], 'runs at once once the queue is empty');
});

/** A session on a socket that records its writes: each uncorked send, or each cork, is one write. */
function roundHarness(options: { bufferedPerSend?: number; maxBufferedBytes?: number } = {}) {
  const writes: string[][] = [];
  const ends: { code: number; reason: string }[] = [];
  let corked: string[] | undefined;
  let buffered = 0;
  const socket: ConnectionSocket = {
    send(text) {
      const frame = (JSON.parse(text) as { id: string }).id;
      if (corked) corked.push(frame);
      else writes.push([frame]);
      buffered += options.bufferedPerSend ?? 0;
      return 1;
    },
    getBufferedAmount: () => buffered,
    end: (code, reason) => void ends.push({ code, reason }),
    ping: () => undefined,
    close: () => undefined,
    cork(cb) {
      corked = [];
      cb();
      writes.push(corked);
      corked = undefined;
    },
  };
  const round = new SendRound();
  const env = sessionEnvironment({
    maxBufferedBytes: options.maxBufferedBytes ?? 1_000_000,
    metrics: createGatewayMetrics(createMetrics(), () => 1),
    logger: createLogger('test', 'error', {}, () => undefined),
    createFeed: () => ({}) as ConversationFeed,
    round,
  });
  const sessions = ['s1', 's2'].map((id) => new ClientSession(env, id, 'alice', undefined, createTokenBucket({ ratePerSecond: 1, burst: 1 }), socket));
  return { round, sessions, writes, ends, drain: () => void (buffered = 0) };
}

const ok = (id: string) => ({ type: 'ok' as const, id, result: {} });

test("in a send round, a session's frames are held and written together, in order, when the round ends", () => {
  const h = roundHarness();
  const [a, b] = h.sessions as [ClientSession, ClientSession];
  h.round.run(() => {
    assert.equal(a.send(ok('a1')), true);
    b.send(ok('b1'));
    a.send(ok('a2'));
    a.send(ok('a3'));
    assert.deepEqual(h.writes, [], 'nothing written during the round');
  });
  assert.deepEqual(h.writes, [['a1', 'a2', 'a3'], ['b1']], 'one corked write per session');
  a.send(ok('a4'));
  assert.deepEqual(h.writes.at(-1), ['a4'], 'outside a round a frame is written at once');
});

test('a session closed during a round writes what it held before its close frame; one gone drops it', () => {
  const h = roundHarness();
  const [a, b] = h.sessions as [ClientSession, ClientSession];
  h.round.run(() => {
    a.send(ok('a1'));
    a.close('going_away');
    assert.equal(a.send(ok('a2')), false, 'nothing after the close');
    b.send(ok('b1'));
    b.closed();
  });
  assert.deepEqual(h.writes, [['a1']]);
  assert.deepEqual(h.ends, [{ code: 1001, reason: 'going_away' }]);
});

test('a client that does not keep up with what a round wrote is cut off with 4009 once its buffer drained', () => {
  const h = roundHarness({ bufferedPerSend: 600, maxBufferedBytes: 1_000 });
  const [a] = h.sessions as [ClientSession];
  h.round.run(() => {
    a.send(ok('a1'));
    a.send(ok('a2'));
  });
  assert.deepEqual(h.writes, [['a1', 'a2']]);
  assert.equal(a.isOpen(), false);
  assert.deepEqual(h.ends, [], 'the close frame waits for the buffer');
  h.drain();
  a.drained();
  assert.deepEqual(h.ends, [{ code: 4009, reason: 'slow_consumer' }]);
});
