import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientEvent } from '@switchboard/protocol';
import { frameText } from './frameText';

const event = (seq: number, body: string): ClientEvent =>
  ({ conversationId: 'grp.1', conversationKind: 'group', seq, kind: 'message', actorId: 'a', at: 1, messageId: 'm', clientMsgId: 'c', body, contentType: 'text/plain' }) as ClientEvent;

test('an event frame is the JSON of the frame, the same text for every recipient of one event', () => {
  const e = event(1, 'hi');
  const first = frameText({ type: 'event', event: e });
  assert.equal(first, JSON.stringify({ type: 'event', event: e }));
  assert.equal(frameText({ type: 'event', event: e }), first);
  // Another event object, even with equal fields elsewhere, is encoded on its own.
  assert.equal(frameText({ type: 'event', event: event(2, 'other') }), JSON.stringify({ type: 'event', event: event(2, 'other') }));
});

test('other frames are encoded every time', () => {
  assert.equal(frameText({ type: 'ok', id: '1', result: { seq: 3 } }), '{"type":"ok","id":"1","result":{"seq":3}}');
});
