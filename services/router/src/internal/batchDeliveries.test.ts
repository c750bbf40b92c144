import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Delivery, Event } from '@switchboard/schemas';
import { batchDeliveries, type PlannedDelivery } from './batchDeliveries';

function event(seq: number, body = 'hi'): Event {
  return {
    eventId: `e${seq}`,
    conversationId: 'dm.1',
    kind: 'DIRECT',
    seq,
    occurredAt: 1,
    actorId: 'alice',
    origin: null,
    traceparent: null,
    body: { type: 'MessageSent', messageId: `m${seq}`, clientMsgId: `c${seq}`, recipientId: 'bob', body, contentType: 'text/plain' },
  };
}

const eventTo = (gatewayId: string, e: Event, stamp: number): PlannedDelivery => ({
  delivery: { gatewayId, body: { type: 'EventDelivery', event: e, recipients: ['bob'] } },
  receivedAt: stamp,
  decidedAt: stamp + 1,
});

const replyTo = (gatewayId: string, requestId: string): PlannedDelivery => ({
  delivery: {
    gatewayId,
    body: { type: 'CommandReply', sessionId: 's', requestId, conversationId: 'dm.1', seq: null, messageId: null, errorCode: 'forbidden', errorMessage: 'no' },
  },
  receivedAt: null,
  decidedAt: null,
});

const bytesOf = (e: Event) => Buffer.from(`bytes-of-${e.eventId}-${e.body.type === 'MessageSent' ? e.body.body : ''}`);

function items(d: Delivery) {
  assert.equal(d.body.type, 'DeliveryBatch');
  return d.body.type === 'DeliveryBatch' ? d.body.items : [];
}

test('one batch per gateway, each in the order planned, events as their encoded bytes with their stamps', () => {
  const [e1, e2] = [event(1), event(2)];
  const batches = batchDeliveries([eventTo('gw-a', e1, 10), eventTo('gw-b', e1, 10), replyTo('gw-a', 'r1'), eventTo('gw-a', e2, 20)], bytesOf);
  assert.deepEqual(batches.map((b) => b.gatewayId), ['gw-a', 'gw-b']);
  const a = items(batches[0]!);
  assert.deepEqual(a.map((i) => i.body.type), ['EncodedEventDelivery', 'CommandReply', 'EncodedEventDelivery']);
  const first = a[0]!;
  assert.ok(first.body.type === 'EncodedEventDelivery');
  assert.deepEqual(first.body.event, bytesOf(e1));
  assert.deepEqual(first.body.recipients, ['bob']);
  assert.deepEqual([first.receivedAt, first.decidedAt], [10, 11]);
  assert.deepEqual([a[1]!.receivedAt, a[1]!.decidedAt], [null, null]);
  assert.equal(items(batches[1]!).length, 1);
});

test('a gateway whose deliveries pass the size bound gets several batches, still in order', () => {
  const planned = Array.from({ length: 30 }, (_, i) => eventTo('gw-a', event(i + 1, 'x'.repeat(1_000)), i));
  const batches = batchDeliveries(planned, bytesOf, 5_000);
  assert.ok(batches.length > 1, `${batches.length} batches`);
  const seen = batches.flatMap((b) => items(b)).map((i) => (i.body.type === 'EncodedEventDelivery' ? i.body.event.toString().slice(0, 14) : ''));
  assert.deepEqual(seen, planned.map((p) => (p.delivery.body.type === 'EventDelivery' ? bytesOf(p.delivery.body.event).toString().slice(0, 14) : '')));
  for (const b of batches) {
    const size = items(b).reduce((n, i) => n + (i.body.type === 'EncodedEventDelivery' ? i.body.event.length : 0), 0);
    assert.ok(size <= 5_000, `a batch of ${size} event bytes`);
  }
});

test('an item larger than the bound still goes, alone', () => {
  const big = eventTo('gw-a', event(1, 'y'.repeat(10_000)), 0);
  const batches = batchDeliveries([replyTo('gw-a', 'r0'), big, replyTo('gw-a', 'r2')], bytesOf, 5_000);
  assert.deepEqual(batches.map((b) => items(b).map((i) => i.body.type)), [['CommandReply'], ['EncodedEventDelivery'], ['CommandReply']]);
});

test('nothing planned, nothing written', () => {
  assert.deepEqual(batchDeliveries([], bytesOf), []);
});
