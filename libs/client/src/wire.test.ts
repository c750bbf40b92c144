import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protocol from '@switchboard/protocol';
import * as wire from './wire';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// These fail to compile when the client's copy of a frame differs from the protocol's.
const sameTypes: [
  Same<wire.ClientEvent, protocol.ClientEvent>,
  Same<wire.Request, protocol.Request>,
  Same<wire.ServerFrame, protocol.ServerFrame>,
  Same<wire.SignalKind, protocol.SignalKind>,
  Same<wire.EventKind, protocol.EventKind>,
  Same<wire.UserPresence, protocol.UserPresence>,
] = [true, true, true, true, true, true];

test('the client\'s frames and limits are the protocol\'s', () => {
  assert.deepEqual(sameTypes, [true, true, true, true, true, true]);
  for (const name of ['PROTOCOL_VERSION', 'MAX_BODY_LENGTH', 'MAX_GROUP_NAME_LENGTH', 'MAX_SIGNAL_PAYLOAD_LENGTH', 'MAX_HISTORY_PAGE', 'MAX_SYNC_CONVERSATIONS', 'MAX_PRESENCE_USERS'] as const) {
    assert.equal(wire[name], protocol[name], name);
  }
});

test('server frames are decoded when they are JSON objects with a type', () => {
  assert.deepEqual(wire.decodeServerFrame('{"type":"ok","id":"1","result":{}}'), { type: 'ok', id: '1', result: {} });
  assert.equal(wire.decodeServerFrame('not json'), undefined);
  assert.equal(wire.decodeServerFrame('[1]'), undefined);
  assert.equal(wire.decodeServerFrame('{"id":"1"}'), undefined);
});
