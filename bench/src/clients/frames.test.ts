import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFrame } from './densityWorker';
import { bodyOfEventFrame } from './protocolClient';

test('a message body is found in an event frame without parsing it', () => {
  const frame = JSON.stringify({ type: 'event', event: { conversationId: 'dm.1', seq: 4, kind: 'message', actorId: 'a', body: '17:1234.567', contentType: 'text/plain' } });
  assert.equal(bodyOfEventFrame(frame), '17:1234.567');
  assert.equal(bodyOfEventFrame(JSON.stringify({ type: 'event', event: { kind: 'group_created', seq: 1 } })), undefined);
  assert.equal(bodyOfEventFrame('{"type":"ok","id":"1","result":{"body":"x"}}'), undefined);
});

test('client frames are masked, and unmasking gives the payload back', () => {
  for (const size of [0, 1, 125, 126, 300]) {
    const payload = Buffer.alloc(size, 'x');
    const frame = clientFrame(0x1, payload);
    assert.equal(frame[0], 0x81);
    assert.equal(frame[1]! & 0x80, 0x80, 'mask bit');
    const long = size >= 126;
    assert.equal(frame[1]! & 0x7f, long ? 126 : size);
    if (long) assert.equal(frame.readUInt16BE(2), size);
    const maskAt = long ? 4 : 2;
    const mask = frame.subarray(maskAt, maskAt + 4);
    const body = frame.subarray(maskAt + 4);
    assert.equal(body.length, size);
    assert.deepEqual(Buffer.from(body.map((b, i) => b ^ mask[i % 4]!)), payload);
  }
});
