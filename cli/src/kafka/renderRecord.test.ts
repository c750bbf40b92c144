import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCodec, encodeEvent, loadFileCatalog, type Event } from '@switchboard/schemas';
import { toJsonSafe } from './jsonSafe';
import { createRecordDecoder } from './recordDecoder';
import { renderRecord } from './renderRecord';

const codec = createCodec(loadFileCatalog());
const EVENT: Event = {
  eventId: 'e-1',
  conversationId: 'dm.0123456789abcdef0123456789abcdef',
  kind: 'DIRECT',
  seq: 1,
  occurredAt: 1_732_431_000_000,
  actorId: 'alice',
  origin: null,
  traceparent: null,
  body: { type: 'MessageSent', messageId: 'm-1', clientMsgId: 'c-1', recipientId: 'bob', body: 'hi ✓', contentType: 'text/plain' },
};

test('JSON-safe values: bigints exact or as strings, bytes as base64, non-finite numbers as text', () => {
  assert.deepEqual(
    toJsonSafe({ small: 42n, big: 2n ** 63n - 1n, negative: -(2n ** 60n), bytes: Buffer.from([0, 255]), nan: NaN, inf: -Infinity, list: [1n], map: new Map([[1, 'a']]), gone: undefined }),
    { small: 42, big: '9223372036854775807', negative: '-1152921504606846976', bytes: 'AP8=', nan: 'NaN', inf: '-Infinity', list: [1], map: { 1: 'a' } },
  );
});

test('a record renders with its position, timestamp, key, headers and decoded value', () => {
  const decode = createRecordDecoder('events', codec);
  const value = encodeEvent(codec, EVENT);
  const line = renderRecord(
    { topic: 'ns.events.v1', partition: 3, offset: '42', timestamp: '1732431000123', key: Buffer.from(EVENT.conversationId), headers: { 'event-type': Buffer.from('MessageSent') } },
    decode(value),
  );
  assert.deepEqual(line, {
    topic: 'ns.events.v1',
    partition: 3,
    offset: 42,
    timestamp: 1_732_431_000_123,
    key: EVENT.conversationId,
    headers: { 'event-type': 'MessageSent' },
    value: EVENT,
  });
  assert.deepEqual(JSON.parse(JSON.stringify(line)), line);
});

test('an undecodable value is shown with its error and raw bytes; binary keys are base64 and listed', () => {
  const decode = createRecordDecoder('events', codec);
  const garbage = Buffer.from([1, 2, 3, 4, 5, 6]);
  const line = renderRecord({ topic: 't', partition: 0, offset: '7', timestamp: '1', key: Buffer.from([0xff, 0xfe]) }, decode(garbage));
  assert.equal(line.key, '//4=');
  assert.deepEqual(line.base64, ['key']);
  assert.equal(line.valueBase64, garbage.toString('base64'));
  assert.equal((line.error as { code: string }).code, 'WIRE_FORMAT');
  assert.equal('value' in line, false);
});

test('a record of another schema on a catalogued topic is an error; on an unknown topic any catalogued schema decodes', () => {
  const bytes = encodeEvent(codec, EVENT);
  const onCommands = createRecordDecoder('commands', codec)(bytes);
  assert.equal(onCommands.ok, false);
  assert.equal(!onCommands.ok && onCommands.error.code, 'SCHEMA_MISMATCH');
  assert.deepEqual(createRecordDecoder(undefined, codec)(bytes), { ok: true, value: EVENT });
  assert.deepEqual(createRecordDecoder('events', codec)(null), { ok: true, value: null });
});
