import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRecord, isUnion, shortName } from './avroTypes';
import type { Type } from 'avsc';
import { latestEntries } from './catalog';
import { createCodec } from './createCodec';
import { EncodeError, SchemaMismatchError, UnknownSubjectError } from './errors';
import type { Command, Delivery, Event } from './generated/types';
import { loadFileCatalog } from './loadFileCatalog';
import { COMMAND_SAMPLES, DELIVERY_SAMPLES, EVENT_SAMPLES, SAMPLES } from './samples';
import { SUBJECTS } from './subjects';
import {
  decodeCommand,
  decodeDelivery,
  decodeEvent,
  encodeCommand,
  encodeDelivery,
  encodeEvent,
} from './typedCodecs';
import { unionShape } from './unionShape';

const catalog = loadFileCatalog();
const codec = createCodec(catalog);

test('every sample of every subject survives a round trip unchanged', () => {
  for (const entry of latestEntries(catalog)) {
    const cases = Object.entries(SAMPLES[entry.subject] ?? {});
    assert.ok(cases.length > 0, `no samples for ${entry.subject}`);
    for (const [name, value] of cases) {
      const decoded = codec.decode(codec.encode(entry.subject, value), entry.subject);
      assert.deepEqual(decoded, { subject: entry.subject, schemaId: entry.id, value }, `${entry.subject} ${name}`);
    }
  }
});

test('the samples cover every union variant of every subject', () => {
  for (const entry of latestEntries(catalog)) {
    const used = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        const tag = (value as { type?: unknown }).type;
        if (typeof tag === 'string') used.add(tag);
        Object.values(value).forEach(collect);
      }
    };
    Object.values(SAMPLES[entry.subject] ?? {}).forEach(collect);
    for (const variant of variantsOf(entry.type)) assert.ok(used.has(variant), `${entry.subject}: no sample uses ${variant}`);
  }
});

function variantsOf(root: Type): Set<string> {
  const found = new Set<string>();
  const seen = new Set<Type>();
  const visit = (type: Type): void => {
    if (seen.has(type)) return;
    seen.add(type);
    if (isRecord(type)) type.fields.forEach((f) => visit(f.type));
    if (isUnion(type)) {
      const shape = unionShape(type);
      if (shape.kind === 'variants') shape.variants.forEach((v) => found.add(shortName(v.branch)));
      type.types.forEach(visit);
    }
  };
  visit(root);
  return found;
}

test('typed helpers encode and decode each subject', () => {
  const command: Command = COMMAND_SAMPLES.SendMessage as Command;
  const event: Event = EVENT_SAMPLES.MessageSent as Event;
  const delivery: Delivery = DELIVERY_SAMPLES.Signal as Delivery;
  assert.deepEqual(decodeCommand(codec, encodeCommand(codec, command)), command);
  assert.deepEqual(decodeEvent(codec, encodeEvent(codec, event)), event);
  assert.deepEqual(decodeDelivery(codec, encodeDelivery(codec, delivery)), delivery);
});

test('records carry the Confluent header: magic byte 0, then the schema id big-endian', () => {
  const bytes = encodeEvent(codec, EVENT_SAMPLES.MessageSent as Event);
  assert.equal(bytes[0], 0);
  assert.equal(bytes.readInt32BE(1), catalog.latest(SUBJECTS.event)?.id);
});

test('timestamps stay numbers of epoch milliseconds', () => {
  const event = decodeEvent(codec, encodeEvent(codec, EVENT_SAMPLES.MessageSent as Event));
  assert.equal(typeof event.occurredAt, 'number');
  assert.equal(event.occurredAt, Date.UTC(2025, 0, 2, 3, 4, 5, 678));
});

test('decoded values are plain objects', () => {
  const event = decodeEvent(codec, encodeEvent(codec, EVENT_SAMPLES.MessageSent as Event));
  assert.equal(Object.getPrototypeOf(event), Object.prototype);
  assert.equal(Object.getPrototypeOf(event.body), Object.prototype);
  assert.equal(JSON.stringify(event), JSON.stringify(EVENT_SAMPLES.MessageSent));
});

test('a record of another subject fails with SchemaMismatchError', () => {
  const bytes = encodeEvent(codec, EVENT_SAMPLES.MessageSent as Event);
  assert.throws(
    () => decodeCommand(codec, bytes),
    (err: unknown) =>
      err instanceof SchemaMismatchError &&
      err.expectedSubject === SUBJECTS.command &&
      err.subject === SUBJECTS.event &&
      err.retriable === false,
  );
  assert.equal(codec.decode(bytes).subject, SUBJECTS.event, 'without an expected subject any catalogued record decodes');
});

test('encoding under an unknown subject fails with UnknownSubjectError', () => {
  assert.throws(() => codec.encode('io.switchboard.Nope', {}), UnknownSubjectError);
});

function encodeError(value: unknown): EncodeError {
  try {
    codec.encode(SUBJECTS.command, value);
  } catch (err) {
    assert.ok(err instanceof EncodeError, `expected EncodeError, got ${String(err)}`);
    assert.equal(err.retriable, false);
    return err;
  }
  assert.fail('encode accepted an invalid value');
}

const SEND = COMMAND_SAMPLES.SendMessage as Command;

test('a value that does not fit names the field path', () => {
  const err = encodeError({ ...SEND, body: { ...SEND.body, recipientId: 42 } });
  assert.equal(err.path, 'body.recipientId');
  assert.match(err.message, /body\.recipientId: expected string or null, got 42/);
});

test('a missing field, a wrong array item and an unsafe long are each named', () => {
  const { commandId: _omitted, ...withoutId } = SEND;
  assert.equal(encodeError(withoutId).path, 'commandId');
  assert.equal(encodeError({ ...SEND, body: { type: 'CreateGroup', name: 'x', members: ['a', 3] } }).path, 'body.members[1]');
  assert.equal(encodeError({ ...SEND, body: { type: 'MarkRead', seq: 2 ** 60 } }).path, 'body.seq');
  assert.equal(encodeError({ ...SEND, origin: { ...SEND.origin, userId: undefined } }).path, 'origin.userId');
});

test('a missing field that has a default takes the default', () => {
  const { traceparent: _omitted, ...withoutTrace } = SEND;
  assert.deepEqual(decodeCommand(codec, codec.encode(SUBJECTS.command, withoutTrace)), { ...SEND, traceparent: null });
});

test('an unknown variant, an unknown field and a non-object are rejected', () => {
  const unknownVariant = encodeError({ ...SEND, body: { type: 'Shout', text: 'hi' } });
  assert.equal(unknownVariant.path, 'body');
  assert.match(unknownVariant.message, /"type" is one of SendMessage, .*, got "Shout"/);
  assert.equal(unknownVariant.problems.length, 1, 'no follow-up problems inside a variant that could not be chosen');
  assert.equal(encodeError({ ...SEND, body: { ...SEND.body, sender: 'x' } }).path, 'body.sender');
  assert.equal(encodeError(null).path, '');
  assert.equal(encodeError('text').path, '');
});

test('all problems are reported together', () => {
  const err = encodeError({ ...SEND, commandId: 1, body: { ...SEND.body, clientMsgId: null, extra: true } });
  assert.deepEqual(err.problems.map((p) => p.path).sort(), ['body.clientMsgId', 'body.extra', 'commandId']);
});

test('a record larger than the first buffer guess is encoded whole, byte for byte as avsc writes it', () => {
  const long = { ...(EVENT_SAMPLES.MessageSent as Event) };
  long.body = { ...(long.body as Extract<Event['body'], { type: 'MessageSent' }>), body: 'ü'.repeat(16_384) };
  const bytes = encodeEvent(codec, long);
  assert.ok(bytes.length > 32_768, `${bytes.length} bytes`);
  assert.deepEqual(decodeEvent(codec, bytes), long);
  const small = encodeEvent(codec, EVENT_SAMPLES.MessageSent as Event);
  assert.ok(small.length < 1_024);
  assert.deepEqual(decodeEvent(codec, small), EVENT_SAMPLES.MessageSent);
});
