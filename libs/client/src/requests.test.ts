import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchboardError } from './errors';
import { createRequests, type Outcome, type Writer } from './requests';
import { FakeTimers, settle } from './testSupport/fakeTimers';

class FakeWriter implements Writer {
  readonly frames: Record<string, unknown>[] = [];
  open = true;
  constructor(readonly id: number) {}
  write(text: string): boolean {
    if (!this.open) return false;
    this.frames.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  }
}

function setup(options: { rate?: number; maxFrameBytes?: number } = {}) {
  const timers = new FakeTimers();
  let writer: FakeWriter | undefined = new FakeWriter(1);
  const requests = createRequests({
    timers,
    writer: () => writer,
    rate: () => options.rate,
    maxFrameBytes: () => options.maxFrameBytes,
  });
  return {
    timers,
    requests,
    get writer() {
      return writer;
    },
    setWriter(next: FakeWriter | undefined) {
      writer = next;
    },
  };
}

test('a request is written with an id and settled by the reply that names it', async () => {
  const { requests, writer } = setup();
  const answer = requests.request({ type: 'ping' }, { onLoss: 'retry' });
  const frame = writer!.frames[0]!;
  assert.equal(frame.type, 'ping');
  requests.answer({ type: 'ok', id: 'not-ours', result: {} });
  requests.answer({ type: 'ok', id: frame.id as string, result: { time: 5 } });
  assert.deepEqual(await answer, { time: 5 });
  const refused = requests.request({ type: 'read', conversationId: 'dm.x', seq: 1 }, { onLoss: 'retry' });
  requests.answer({ type: 'error', id: writer!.frames[1]!.id as string, code: 'not_member', message: 'no', retriable: false });
  await assert.rejects(refused, { code: 'not_member', retriable: false, message: 'no' });
});

test('requests made while offline wait, and a front request goes before them', () => {
  const t = setup();
  t.setWriter(undefined);
  void t.requests.request({ type: 'history', conversationId: 'dm.x', limit: 5 }, { onLoss: 'retry' });
  void t.requests.request({ type: 'sync', cursors: {} }, { onLoss: 'lost', front: true });
  const next = new FakeWriter(2);
  t.setWriter(next);
  t.requests.pump();
  assert.deepEqual(next.frames.map((f) => f.type), ['sync', 'history']);
});

test('frames are paced to the gateway\'s rate: a burst of one second, then one per 1/rate s', async () => {
  const { requests, writer, timers } = setup({ rate: 10 });
  for (let i = 0; i < 25; i++) void requests.request({ type: 'ping' }, { onLoss: 'retry' });
  assert.equal(writer!.frames.length, 10);
  await timers.advance(100);
  assert.equal(writer!.frames.length, 11);
  await timers.advance(1_000);
  assert.equal(writer!.frames.length, 21);
});

test('a lost connection: safe requests are written again on the next, others fail as unavailable or are reported lost', async () => {
  const t = setup();
  const outcomes: Record<string, Outcome> = {};
  t.requests.submit({ type: 'history', conversationId: 'dm.x', limit: 5 }, { onLoss: 'retry' }, (o) => (outcomes.history = o));
  t.requests.submit({ type: 'group.create', name: 'g', members: [] }, { onLoss: 'fail' }, (o) => (outcomes.group = o));
  t.requests.submit({ type: 'send', to: 'bob', clientMsgId: 'c1', body: 'x', contentType: 'text/plain' }, { onLoss: 'lost' }, (o) => (outcomes.send = o));
  t.requests.submit({ type: 'ping' }, { onLoss: 'retry', linkId: 1 }, (o) => (outcomes.ping = o));
  t.setWriter(undefined);
  t.requests.linkLost(1);
  assert.deepEqual(Object.keys(outcomes).sort(), ['group', 'ping', 'send']);
  assert.equal(outcomes.group?.ok === false && outcomes.group.error.code, 'unavailable');
  assert.equal(outcomes.group?.ok === false && outcomes.group.lost, false);
  assert.equal(outcomes.send?.ok === false && outcomes.send.lost, true);
  assert.equal(outcomes.ping?.ok === false && outcomes.ping.lost, true, 'a request bound to its link is not moved');
  const next = new FakeWriter(2);
  t.setWriter(next);
  t.requests.pump();
  assert.deepEqual(next.frames.map((f) => f.type), ['history']);
  t.requests.answer({ type: 'ok', id: next.frames[0]!.id as string, result: { events: [] } });
  await settle();
  assert.equal(outcomes.history?.ok, true);
});

test('idle resolves once the link has no request waiting for its answer', async () => {
  const { requests, writer } = setup();
  void requests.request({ type: 'ping' }, { onLoss: 'retry' });
  let idle = false;
  void requests.idle(1).then(() => (idle = true));
  await settle();
  assert.equal(idle, false);
  requests.answer({ type: 'ok', id: writer!.frames[0]!.id as string, result: {} });
  await settle();
  assert.equal(idle, true);
});

test('timeouts, oversized frames and a closed client fail requests with typed errors', async () => {
  const { requests, timers } = setup({ maxFrameBytes: 1_024 });
  const slow = assert.rejects(requests.request({ type: 'ping' }, { onLoss: 'retry', timeoutMs: 1_000 }), { code: 'timeout', retriable: true });
  await timers.advance(1_000);
  await slow;
  await assert.rejects(requests.request({ type: 'edit', conversationId: 'dm.x', seq: 1, body: 'é'.repeat(600) }, { onLoss: 'fail' }), { code: 'frame_too_large' });
  const pending = requests.request({ type: 'ping' }, { onLoss: 'retry' });
  requests.failAll(new SwitchboardError('client_closed'));
  await assert.rejects(pending, { code: 'client_closed' });
  await assert.rejects(requests.request({ type: 'ping' }, { onLoss: 'retry' }), { code: 'client_closed' });
});

test('requests written again after a lost connection go behind a resume that waits to be first', () => {
  const t = setup();
  void t.requests.request({ type: 'history', conversationId: 'dm.x', limit: 5 }, { onLoss: 'retry' });
  t.setWriter(undefined);
  void t.requests.request({ type: 'sync', cursors: {} }, { onLoss: 'lost', front: true });
  t.requests.linkLost(1);
  const next = new FakeWriter(2);
  t.setWriter(next);
  t.requests.pump();
  assert.deepEqual(next.frames.map((f) => f.type), ['sync', 'history']);
});
