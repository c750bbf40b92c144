import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCodec, decodeDelivery, encodeDelivery, encodeEvent, loadFileCatalog, type Delivery, type Event } from '@switchboard/schemas';
import { unbatchDelivery } from './unbatchDelivery';

const codec = createCodec(loadFileCatalog());
const event: Event = {
  eventId: 'e1',
  conversationId: 'dm.1',
  kind: 'DIRECT',
  seq: 1,
  occurredAt: 1_732_431_000_151,
  actorId: 'alice',
  origin: { gatewayId: 'gw-a', sessionId: 's1', userId: 'alice', requestId: 'r1' },
  traceparent: null,
  body: { type: 'MessageSent', messageId: 'm1', clientMsgId: 'c1', recipientId: 'bob', body: 'hello ✓', contentType: 'text/plain' },
};
const noStamps = { received: undefined, decided: undefined };

test('a batch read back from its wire bytes gives its items in order, events decoded, each with its own stamps', () => {
  const batch: Delivery = {
    gatewayId: 'gw-a',
    body: {
      type: 'DeliveryBatch',
      items: [
        { body: { type: 'EncodedEventDelivery', event: encodeEvent(codec, event), recipients: ['bob'] }, receivedAt: 100.5, decidedAt: 104.25 },
        { body: { type: 'CommandReply', sessionId: 's1', requestId: 'r2', conversationId: 'dm.1', seq: null, messageId: null, errorCode: 'forbidden', errorMessage: 'no' }, receivedAt: null, decidedAt: null },
      ],
    },
  };
  const bad: unknown[] = [];
  const out = unbatchDelivery(decodeDelivery(codec, encodeDelivery(codec, batch)), codec, noStamps, (i) => bad.push(i));
  assert.deepEqual(bad, []);
  assert.equal(out.length, 2);
  assert.deepEqual(out[0], { delivery: { gatewayId: 'gw-a', body: { type: 'EventDelivery', event, recipients: ['bob'] } }, received: 100.5, decided: 104.25 });
  assert.equal(out[1]!.delivery.body.type, 'CommandReply');
  assert.deepEqual([out[1]!.received, out[1]!.decided], [undefined, undefined]);
});

test('a single delivery passes through with the stamps of its record', () => {
  const single: Delivery = { gatewayId: 'gw-a', body: { type: 'EventDelivery', event, recipients: [] } };
  const out = unbatchDelivery(single, codec, { received: 1, decided: 2 }, () => assert.fail('nothing is bad'));
  assert.deepEqual(out, [{ delivery: single, received: 1, decided: 2 }]);
});

test('an item whose event bytes do not decode is reported and left out; the rest still count', () => {
  const batch: Delivery = {
    gatewayId: 'gw-a',
    body: {
      type: 'DeliveryBatch',
      items: [
        { body: { type: 'EncodedEventDelivery', event: Buffer.from('not an event'), recipients: ['bob'] }, receivedAt: null, decidedAt: null },
        { body: { type: 'EncodedEventDelivery', event: encodeEvent(codec, event), recipients: ['bob'] }, receivedAt: null, decidedAt: null },
      ],
    },
  };
  const bad: number[] = [];
  const out = unbatchDelivery(batch, codec, noStamps, (i) => bad.push(i));
  assert.deepEqual(bad, [0]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.delivery.body.type, 'EventDelivery');
});
