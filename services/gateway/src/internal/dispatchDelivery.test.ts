import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Delivery, Event } from '@switchboard/schemas';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { createConversationFeed } from './conversationFeed';
import { createDeliveryDispatcher } from './dispatchDelivery';
import { createGatewayMetrics } from './gatewayMetrics';
import { createSession, type Session } from './session';
import { createSessionRegistry } from './sessionRegistry';
import { createTokenBucket } from './tokenBucket';

const GATEWAY = 'gw-a';
const CONVERSATION = `grp.${'d'.repeat(32)}`;
const logger = createLogger('test', 'error', {}, () => undefined);

function setup() {
  const sessions = createSessionRegistry();
  const metrics = createGatewayMetrics(createMetrics(), () => sessions.size());
  const sent = new Map<string, Record<string, unknown>[]>();
  const open = (id: string, userId: string): Session => {
    const frames: Record<string, unknown>[] = [];
    sent.set(id, frames);
    const session = createSession({
      id,
      userId,
      socket: { send: (t) => (frames.push(JSON.parse(t) as Record<string, unknown>), 1), getBufferedAmount: () => 0, end: () => undefined, ping: () => undefined, terminate: () => undefined },
      maxBufferedBytes: 1_000_000,
      resumeGraceMs: 0,
      bucket: createTokenBucket({ ratePerSecond: 1, burst: 1 }),
      metrics,
      logger,
      createFeed: (s, conversationId) =>
        createConversationFeed({
          conversationId,
          userId: s.userId,
          fetchPage: async () => ({ events: [], hasMore: false }),
          push: (event) => void s.send({ type: 'event', event }),
          ready: () => s.liveGate(),
          startPosition: () => s.resumePosition(conversationId),
          active: () => s.isOpen(),
          gapHoldMs: 1_000,
          onGapUnfilled: () => undefined,
          onError: () => undefined,
        }),
    });
    sessions.add(session);
    return session;
  };
  const dispatch = createDeliveryDispatcher({ gatewayId: GATEWAY, sessions, logger });
  return { open, dispatch, sent };
}

function messageEvent(seq: number | null, origin: Event['origin'], body: Event['body'] = { type: 'MessageSent', messageId: `m${seq}`, clientMsgId: `c${seq}`, recipientId: null, body: 'hi', contentType: 'text/plain' }): Event {
  return { eventId: `e${seq}`, conversationId: CONVERSATION, kind: 'GROUP', seq, occurredAt: 5, actorId: 'alice', origin, traceparent: null, body };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const types = (frames: Record<string, unknown>[] | undefined) => (frames ?? []).map((f) => f.type);

test('a command reply answers the pending request of its session', () => {
  const h = setup();
  const alice = h.open('s-alice', 'alice');
  alice.begin('r1', 'command', null);
  alice.begin('r2', 'command', null);
  const reply = (requestId: string, errorCode: string | null): Delivery => ({
    gatewayId: GATEWAY,
    body: { type: 'CommandReply', sessionId: 's-alice', requestId, conversationId: CONVERSATION, seq: errorCode ? null : 4, messageId: errorCode ? null : 'm4', errorCode, errorMessage: errorCode ? 'nope' : null },
  });
  h.dispatch(reply('r1', null));
  h.dispatch(reply('r2', 'not_member'));
  assert.deepEqual(h.sent.get('s-alice'), [
    { type: 'ok', id: 'r1', result: { conversationId: CONVERSATION, seq: 4, messageId: 'm4' } },
    { type: 'error', id: 'r2', code: 'not_member', message: 'nope', retriable: false },
  ]);
});

test("the sender's session gets the ack instead of its event; every other local session gets the event", async () => {
  const h = setup();
  const alice = h.open('s-alice', 'alice');
  h.open('s-alice-2', 'alice');
  h.open('s-bob', 'bob');
  h.open('s-carol', 'carol');
  alice.begin('r1', 'command', null);
  h.dispatch({
    gatewayId: GATEWAY,
    body: { type: 'EventDelivery', event: messageEvent(1, { gatewayId: GATEWAY, sessionId: 's-alice', userId: 'alice', requestId: 'r1' }), recipients: ['alice', 'bob'] },
  });
  await settle();
  assert.deepEqual(h.sent.get('s-alice'), [{ type: 'ok', id: 'r1', result: { conversationId: CONVERSATION, seq: 1, messageId: 'm1' } }]);
  assert.deepEqual(types(h.sent.get('s-alice-2')), ['event']);
  assert.deepEqual(types(h.sent.get('s-bob')), ['event']);
  assert.equal((h.sent.get('s-bob')?.[0]?.event as { seq: number }).seq, 1);
  assert.deepEqual(types(h.sent.get('s-carol')), [], 'not a recipient');
});

test('an origin on another gateway is not answered here', async () => {
  const h = setup();
  const alice = h.open('s-alice', 'alice');
  alice.begin('r1', 'command', null);
  h.dispatch({
    gatewayId: GATEWAY,
    body: { type: 'EventDelivery', event: messageEvent(1, { gatewayId: 'gw-other', sessionId: 's-alice', userId: 'alice', requestId: 'r1' }), recipients: ['alice'] },
  });
  await settle();
  assert.deepEqual(types(h.sent.get('s-alice')), ['event']);
  assert.equal(alice.isPending('r1'), true);
});

test('receipts skip the feed and answer their sender at once', async () => {
  const h = setup();
  const alice = h.open('s-alice', 'alice');
  h.open('s-bob', 'bob');
  alice.begin('read-1', 'command', null);
  h.dispatch({
    gatewayId: GATEWAY,
    body: {
      type: 'EventDelivery',
      event: messageEvent(null, { gatewayId: GATEWAY, sessionId: 's-alice', userId: 'alice', requestId: 'read-1' }, { type: 'ReadCursorMoved', userId: 'alice', upToSeq: 3 }),
      recipients: ['alice', 'bob'],
    },
  });
  assert.deepEqual(h.sent.get('s-alice'), [{ type: 'ok', id: 'read-1', result: { conversationId: CONVERSATION, seq: null, messageId: null } }]);
  const pushed = h.sent.get('s-bob')?.[0] as { type: string; event: { kind: string; upToSeq: number } };
  assert.equal(pushed.type, 'event');
  assert.equal(pushed.event.kind, 'read');
  assert.equal(pushed.event.upToSeq, 3);
});

test('typing and signal frames reach the recipients only', () => {
  const h = setup();
  h.open('s-alice', 'alice');
  h.open('s-bob', 'bob');
  h.dispatch({
    gatewayId: GATEWAY,
    body: { type: 'EphemeralDelivery', conversationId: CONVERSATION, fromUserId: 'alice', recipients: ['bob'], body: { type: 'Typing', active: true } },
  });
  h.dispatch({
    gatewayId: GATEWAY,
    body: { type: 'EphemeralDelivery', conversationId: CONVERSATION, fromUserId: 'alice', recipients: ['bob'], body: { type: 'Signal', toUserId: 'bob', kind: 'ICE_CANDIDATE', payload: 'cand' } },
  });
  assert.deepEqual(h.sent.get('s-bob'), [
    { type: 'typing', conversationId: CONVERSATION, userId: 'alice', active: true },
    { type: 'signal', from: 'alice', kind: 'ice_candidate', payload: 'cand' },
  ]);
  assert.deepEqual(h.sent.get('s-alice'), []);
});

test('a user named twice gets a delivery once per session, receipts and typing included', async () => {
  const h = setup();
  h.open('s-bob', 'bob');
  h.open('s-bob-2', 'bob');
  const receipt = messageEvent(null, null, { type: 'ReadCursorMoved', userId: 'alice', upToSeq: 3 });
  h.dispatch({ gatewayId: GATEWAY, body: { type: 'EventDelivery', event: messageEvent(1, null), recipients: ['bob', 'bob'] } });
  await settle();
  h.dispatch({ gatewayId: GATEWAY, body: { type: 'EventDelivery', event: receipt, recipients: ['bob', 'bob'] } });
  h.dispatch({ gatewayId: GATEWAY, body: { type: 'EphemeralDelivery', conversationId: CONVERSATION, fromUserId: 'alice', recipients: ['bob', 'bob'], body: { type: 'Typing', active: true } } });
  await settle();
  for (const id of ['s-bob', 's-bob-2']) assert.deepEqual(types(h.sent.get(id)), ['event', 'event', 'typing'], id);
  h.dispatch({ gatewayId: GATEWAY, body: { type: 'EventDelivery', event: messageEvent(2, null), recipients: ['bob'] } });
  await settle();
  assert.deepEqual(types(h.sent.get('s-bob')), ['event', 'event', 'typing', 'event'], 'the next delivery reaches it again');
});

test("the sender's session is answered when its user is not among the recipients, once when it is", async () => {
  const h = setup();
  const alice = h.open('s-alice', 'alice');
  alice.begin('r1', 'command', null);
  alice.begin('r2', 'command', null);
  h.dispatch({ gatewayId: GATEWAY, body: { type: 'EventDelivery', event: messageEvent(1, { gatewayId: GATEWAY, sessionId: 's-alice', userId: 'alice', requestId: 'r1' }), recipients: [] } });
  h.dispatch({ gatewayId: GATEWAY, body: { type: 'EventDelivery', event: messageEvent(2, { gatewayId: GATEWAY, sessionId: 's-alice', userId: 'alice', requestId: 'r2' }), recipients: ['alice', 'alice'] } });
  await settle();
  assert.deepEqual(h.sent.get('s-alice')?.map((f) => f.id), ['r1', 'r2']);
});
