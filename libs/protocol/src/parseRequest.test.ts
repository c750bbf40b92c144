import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_LENGTH, MAX_PRESENCE_USERS, parseRequest } from './index';

const DM = `dm.${'a'.repeat(32)}`;
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

function codeOf(text: string): string {
  const parsed = parseRequest(text);
  return parsed.ok ? 'ok' : parsed.code;
}

test('a valid send parses, with the default content type', () => {
  const parsed = parseRequest(JSON.stringify({ type: 'send', id: 7, to: 'bob', clientMsgId: 'c-1', body: 'hi 👋' }));
  assert.deepEqual(parsed, { ok: true, request: { type: 'send', id: '7', to: 'bob', clientMsgId: 'c-1', body: 'hi 👋', contentType: 'text/plain' } });
});

test('frames that are not JSON objects are bad_frame', () => {
  for (const text of ['', '{', 'null', '[]', '"send"', '42', '{"type":"ping","id":"1"} trailing']) assert.equal(codeOf(text), 'bad_frame', text);
});

test('a deeply nested id or type is refused without exhausting the stack', () => {
  const id = parseRequest(`{"type":"ping","id":${deep(50_000)}}`);
  assert.deepEqual([id.ok, !id.ok && id.code, !id.ok && id.id], [false, 'invalid_request', null]);
  const type = parseRequest(`{"id":"1","type":${deep(50_000)}}`);
  assert.ok(!type.ok && type.code === 'unknown_type' && type.message === 'unknown frame type (an array)');
  assert.equal(codeOf(`{"id":"1","type":"send","to":"bob","clientMsgId":"c","body":${deep(50_000)}}`), 'invalid_request');
});

test('ids must be short printable strings or numbers', () => {
  for (const id of ['', ' ', 'x'.repeat(65), 'a b', 'é', true, null, {}, []]) {
    assert.equal(codeOf(JSON.stringify({ type: 'ping', id })), 'invalid_request', JSON.stringify(id));
  }
  assert.equal(codeOf('{"type":"ping","id":1e400}'), 'invalid_request', 'Infinity is not an id');
});

test('prototype keys are neither types nor fields, and pollute nothing', () => {
  for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) assert.equal(codeOf(JSON.stringify({ type, id: '1' })), 'unknown_type');
  const sync = '{"type":"sync","id":"1","cursors":{"__proto__":{"polluted":1}}}';
  assert.equal(codeOf(sync), 'invalid_request');
  const send = `{"type":"send","id":"1","__proto__":{"to":"bob","clientMsgId":"c","body":"x"},"constructor":{"prototype":{"polluted":1}}}`;
  assert.equal(codeOf(send), 'invalid_request', 'fields from __proto__ are not read');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('free text must be well-formed Unicode: unpaired surrogates are refused', () => {
  const send = (body: string) => codeOf(JSON.stringify({ type: 'send', id: '1', to: 'bob', clientMsgId: 'c', body }));
  assert.equal(send('\ud83d\udc4b'), 'ok');
  assert.equal(send('x\ud800'), 'invalid_request');
  assert.equal(send('\udc00x'), 'invalid_request');
  assert.equal(send('\udc4b\ud83d'), 'invalid_request');
  assert.equal(codeOf(JSON.stringify({ type: 'group.create', id: '1', name: '\ud800', members: [] })), 'invalid_request');
  assert.equal(codeOf(JSON.stringify({ type: 'signal', id: '1', to: 'bob', kind: 'offer', payload: '\udfff' })), 'invalid_request');
});

test('limits: body length, numbers that are not safe integers, history page size', () => {
  const send = (body: string) => codeOf(JSON.stringify({ type: 'send', id: '1', conversationId: DM, clientMsgId: 'c', body }));
  assert.equal(send('x'.repeat(MAX_BODY_LENGTH)), 'ok');
  assert.equal(send('x'.repeat(MAX_BODY_LENGTH + 1)), 'body_too_large');
  for (const seq of ['1e400', '9007199254740993', '-1', '0', '1.5', '"1"']) {
    assert.equal(codeOf(`{"type":"read","id":"1","conversationId":"${DM}","seq":${seq}}`), 'invalid_request', seq);
  }
  assert.equal(codeOf(`{"type":"history","id":"1","conversationId":"${DM}","limit":501}`), 'invalid_request');
});

test('presence names 1-100 distinct user ids', () => {
  const presence = (userIds: unknown) => parseRequest(JSON.stringify({ type: 'presence', id: 'p', userIds }));
  assert.deepEqual(presence(['bob', 'carol']), { ok: true, request: { type: 'presence', id: 'p', userIds: ['bob', 'carol'] } });
  const hundred = Array.from({ length: MAX_PRESENCE_USERS }, (_, i) => `user-${i}`);
  assert.equal(presence(hundred).ok, true);
  for (const userIds of [[], [...hundred, 'one-more'], ['bob', 'bob'], ['bob', 'a b'], ['x'.repeat(129)], [''], [7], 'bob', { bob: true }, null]) {
    const parsed = presence(userIds);
    assert.equal(parsed.ok ? 'ok' : parsed.code, 'invalid_request', JSON.stringify(userIds).slice(0, 60));
  }
  assert.equal(codeOf('{"type":"presence","id":"p"}'), 'invalid_request', 'userIds is required');
});
