import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintDevToken } from '@switchboard/auth';
import { directConversationId } from '@switchboard/protocol';
import { startBystanders, type Bystanders } from './helpers/bystanders';
import { EdgeClient } from './helpers/edgeClient';
import { closeOf, errorOf, flood, nestedArrays, refusalOf, sleep, unsignedToken, type Observed } from './helpers/edgeOutcomes';
import { metricValue, residentBytes, sampleResidentBytes } from './helpers/gatewayProbe';
import { JWT_SECRET, ROOT, startPlatform, type Platform } from './helpers/platform';
import { randomName } from './helpers/random';
import { RawWebSocket } from './helpers/rawWebSocket';
import { messagePersisted, tracesIn } from './helpers/traces';

// The catalogue of bad input at the edge, against the real platform (two gateways, router and
// persister as separate processes). Every row names what the client must observe; after each,
// two bystanders mid-conversation must still talk, and Postgres must hold nothing of the input.

const AUDIENCE = 'switchboard-edge-test';
const ORIGIN = 'https://app.example';
const LIMITS = { rate: 20, burst: 40, userRate: 20, userBurst: 60, sessions: 3, group: 3, maxFrame: 65_536, bufferedBytes: 65_536 };
const MIB = 1024 * 1024;
/** Messages in the slow consumer's conversation: a history page of them is about 1 MB. */
const PAGE_MESSAGES = 60;
/** History pages a client that stopped reading asks for after it was cut off. */
const LATE_PAGES = 150;
/**
 * How much a gateway may grow while a client that stopped reading asks for several times as much.
 * RSS moves by some 20 MiB with GC timing alone (the pages served before the cut-off are garbage
 * by then), so the bound is that noise, and what is asked for is a multiple of it.
 */
const MEMORY_BOUND = 32 * MIB;

interface Attack {
  /** A fresh user id; it and everything it tried must leave no trace in Postgres. */
  user(prefix?: string): string;
  /** A user id that must never become a member of anything. */
  outsider(prefix?: string): string;
  /** A user others may write to (so a member of their conversations), who must author nothing. */
  recipient(prefix?: string): string;
  /** A string put into the bad input; no stored row may contain it. */
  marker: string;
  token(userId: string, options?: { audience?: string; secret?: string; ttlSec?: number; now?: () => number }): string;
  connect(userId: string, gateway?: 0 | 1, options?: { autoPong?: boolean }): Promise<EdgeClient>;
  attempt(options: { token?: string; origin?: string; gateway?: 0 | 1 }): ReturnType<typeof EdgeClient.attempt>;
  /** Adds a line to the test report. */
  note(text: string): void;
}

interface Row {
  name: string;
  expect: Observed;
  attack: (a: Attack) => Promise<Observed>;
}

let platform: Platform;
let bystanders: Bystanders;
const opened: EdgeClient[] = [];

const token = (userId: string, o: Parameters<Attack['token']>[1] = {}) =>
  mintDevToken({ secret: o.secret ?? JWT_SECRET, userId, audience: o.audience ?? AUDIENCE, ...(o.ttlSec ? { ttlSec: o.ttlSec } : {}), ...(o.now ? { now: o.now } : {}) });

const ROWS: Row[] = [
  { name: 'malformed JSON', expect: { reply: 'bad_frame' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.sendRaw(`{"type":"send","body":"${a.marker}",`);
    return errorOf(c.next((f) => f.type === 'error'));
  } },
  { name: 'a binary frame where text is expected', expect: { close: 1003, reason: 'binary_not_supported' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.sendRaw(Buffer.from(JSON.stringify({ type: 'ping', id: '1' })), true);
    return closeOf(c);
  } },
  { name: 'an unknown type', expect: { reply: 'unknown_type' }, attack: async (a) => errorOf((await a.connect(a.user())).request({ type: 'teleport', body: a.marker })) },
  { name: 'a missing field (a send without body)', expect: { reply: 'invalid_request' }, attack: async (a) => errorOf((await a.connect(a.user())).request({ type: 'send', to: bystanders.userIds[0], clientMsgId: 'c1' })) },
  { name: 'a wrongly typed field (a numeric body)', expect: { reply: 'invalid_request' }, attack: async (a) =>
    errorOf((await a.connect(a.user())).request({ type: 'send', to: bystanders.userIds[0], clientMsgId: 'c1', body: 12_345, contentType: a.marker })) },
  { name: 'prototype-pollution keys', expect: { reply: 'invalid_request' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.sendRaw(`{"type":"send","id":"p1","__proto__":{"to":"${bystanders.userIds[0]}","clientMsgId":"c","body":"${a.marker}"},"constructor":{"prototype":{"admin":true}}}`);
    return errorOf(c.next((f) => f.id === 'p1'));
  } },
  { name: 'a deeply nested id', expect: { reply: 'invalid_request' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.sendRaw(`{"type":"ping","id":${nestedArrays(25_000)}}`);
    return errorOf(c.next((f) => f.type === 'error'));
  } },
  { name: 'an unpaired surrogate in a body', expect: { reply: 'invalid_request' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.sendRaw(`{"type":"send","id":"u1","to":"${bystanders.userIds[0]}","clientMsgId":"c","body":"${a.marker}\\ud800"}`);
    return errorOf(c.next((f) => f.id === 'u1'));
  } },
  { name: 'an oversize frame', expect: { close: 1009, reason: 'frame_too_large' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.send({ type: 'send', id: '1', to: bystanders.userIds[0], clientMsgId: 'c', body: a.marker.padEnd(LIMITS.maxFrame + 1, 'x') });
    return closeOf(c);
  } },
  { name: 'a frame over 4 times the limit (dropped by the transport)', expect: { close: 1006, reason: '' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.send({ type: 'ping', id: '1', pad: a.marker.padEnd(LIMITS.maxFrame * 4 + 1, 'x') });
    return closeOf(c);
  } },
  { name: 'invalid UTF-8 in a text frame (dropped by the transport)', expect: { close: 1006, reason: '' }, attack: async (a) => {
    const c = await a.connect(a.user());
    c.sendRaw(Buffer.concat([Buffer.from(`{"type":"send","id":"1","body":"${a.marker}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]));
    return closeOf(c);
  } },
  { name: 'an oversize message body', expect: { reply: 'body_too_large' }, attack: async (a) =>
    errorOf((await a.connect(a.user())).request({ type: 'send', to: bystanders.userIds[0], clientMsgId: 'c1', body: a.marker.padEnd(16_385, 'x') })) },
  { name: 'a bad signature', expect: { http: 401, code: 'unauthorized', reason: 'token_bad_signature' }, attack: async (a) =>
    refusalOf(a.attempt({ token: a.token(a.user(), { secret: 'another-secret-0123456789-abcdefghijkl' }) })) },
  { name: 'an expired token', expect: { http: 401, code: 'unauthorized', reason: 'token_expired' }, attack: async (a) =>
    refusalOf(a.attempt({ token: a.token(a.user(), { ttlSec: 60, now: () => Date.now() - 3_600_000 }) })) },
  { name: 'alg none', expect: { http: 401, code: 'unauthorized', reason: 'token_alg_not_allowed' }, attack: async (a) =>
    refusalOf(a.attempt({ token: unsignedToken({ alg: 'none', typ: 'JWT' }, { sub: a.user(), aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 }) })) },
  { name: 'a token for another audience', expect: { http: 401, code: 'unauthorized', reason: 'token_audience' }, attack: async (a) =>
    refusalOf(a.attempt({ token: a.token(a.user(), { audience: 'another-service' }) })) },
  { name: 'a wrong origin', expect: { http: 403, code: 'origin_not_allowed' }, attack: async (a) =>
    refusalOf(a.attempt({ token: a.token(a.user()), origin: 'https://evil.example' })) },
  { name: "a post to a conversation the sender is not a member of", expect: { reply: 'not_member' }, attack: async (a) =>
    errorOf((await a.connect(a.user())).request({ type: 'send', conversationId: bystanders.conversationId, clientMsgId: 'c1', body: a.marker })) },
  { name: "reading another user's history", expect: { reply: 'not_member' }, attack: async (a) =>
    errorOf((await a.connect(a.user(), 1)).request({ type: 'history', conversationId: bystanders.conversationId })) },
  { name: 'a flood past the per-connection rate', expect: { reply: 'rate_limited' }, attack: async (a) => {
    const { ok, refused, seconds } = await flood([await a.connect(a.user())], 100);
    assert.ok(ok <= LIMITS.burst + Math.ceil(LIMITS.rate * seconds) + 1, `${ok} pings answered in ${seconds} s`);
    assert.equal(ok + refused.length, 100, 'every frame got one reply');
    return refused.length > 0 ? { reply: 'rate_limited' } : { reply: 'none refused' };
  } },
  { name: 'a flood past the per-user rate, from two sessions on two gateways', expect: { reply: 'rate_limited' }, attack: async (a) => {
    const userId = a.user();
    // Each session stays under its own burst, so every refusal is the shared per-user bucket's.
    const { ok, refused, seconds } = await flood([await a.connect(userId, 0), await a.connect(userId, 1)], LIMITS.burst - 5);
    assert.ok(ok <= LIMITS.userBurst + Math.ceil(LIMITS.userRate * seconds) + 1, `${ok} pings answered in ${seconds} s`);
    for (const r of refused) assert.match(String(r.message), /sessions together/);
    return refused.length > 0 ? { reply: 'rate_limited' } : { reply: 'none refused' };
  } },
  { name: 'too many sessions for one user', expect: { close: 4008, reason: 'too_many_sessions' }, attack: async (a) => {
    const userId = a.user();
    for (let i = 0; i < LIMITS.sessions; i++) await a.connect(userId, (i % 2) as 0 | 1);
    const outcome = await a.attempt({ token: a.token(userId), gateway: 1 });
    if (outcome.kind === 'refused') return { http: outcome.status, code: String(outcome.body.code) };
    opened.push(outcome.client);
    const observed = await closeOf(outcome.client);
    assert.deepEqual(outcome.client.frames.map((f) => f.code), ['too_many_sessions'], 'told why in a frame, and not welcomed');
    return observed;
  } },
  { name: 'a client that stops reading', expect: { close: 4009, reason: 'slow_consumer' }, attack: slowConsumer },
  { name: 'a client that goes silent (answers no ping)', expect: { close: 4010, reason: 'idle_timeout' }, attack: async (a) => {
    const c = await a.connect(a.user(), 1, { autoPong: false });
    const observed = await closeOf(c);
    assert.ok(c.pings >= 1, 'the gateway pinged before giving up');
    return observed;
  } },
  { name: 'a group created past the max size', expect: { reply: 'group_too_large' }, attack: async (a) =>
    errorOf((await a.connect(a.user())).request({ type: 'group.create', name: a.marker, members: [a.outsider(), a.outsider(), a.outsider()] })) },
  { name: 'a member added past the max size', expect: { reply: 'group_too_large' }, attack: async (a) => {
    const creator = await a.connect(randomName('creator-'), 1);
    const created = await creator.request({ type: 'group.create', name: 'full', members: [randomName('m-'), randomName('m-')] });
    assert.equal(created.type, 'ok', JSON.stringify(created));
    const conversationId = (created.result as { conversationId: string }).conversationId;
    return errorOf(creator.request({ type: 'group.add', conversationId, userId: a.outsider('late-') }));
  } },
];

/**
 * Pushes large history pages and messages to a client that stopped reading: the gateway must cut
 * it off (4009) once its buffer passes the bound, keep its own memory bounded while more is asked
 * for, and deliver what was queued before the close frame once the client reads again.
 */
async function slowConsumer(a: Attack): Promise<Observed> {
  const gateway = platform.services.get('gateway1')!;
  const [slowId, pusherId] = [a.recipient('slow-'), randomName('pusher-')];
  const conversationId = directConversationId(slowId, pusherId);
  // A bare TCP socket: once paused, nothing reads it behind the test's back.
  const slow = await RawWebSocket.open(`${platform.gatewayUrls[0]}?access_token=${encodeURIComponent(token(slowId))}`);
  slow.pause();
  // It stops reading, not writing: without frames from it, the idle timeout would close it first.
  let keepAlive = 0;
  const keepingAlive = setInterval(() => slow.send({ type: 'ping', id: `k${keepAlive++}` }), 1_000);
  const cutOffsBefore = await metricValue(gateway, 'switchboard_gateway_slow_consumers_total');
  const pusher = await a.connect(pusherId, 1);
  const body = 'x'.repeat(16_000);
  const send = async (clientMsgId: string) => {
    while ((await pusher.request({ type: 'send', to: slowId, clientMsgId, body })).code === 'rate_limited') await sleep(100);
  };
  for (let i = 0; i < PAGE_MESSAGES; i++) await send(`fill-${i}`);
  // Another session of the same user reads the same pages normally, so that the baseline includes
  // the memory serving them takes; only buffering for the paused socket could add to it.
  const reader = await a.connect(slowId, 0);
  for (let i = 0; i < 3; i++) {
    const pages = await Promise.all(Array.from({ length: 4 }, () => reader.request({ type: 'history', conversationId, limit: 500 })));
    assert.deepEqual(new Set(pages.map((r) => r.type)), new Set(['ok']));
  }
  await reader.close();

  const baseline = residentBytes(gateway.child.pid!);
  const sampling = sampleResidentBytes(gateway.child.pid!);
  const cutOff = async () => (await metricValue(gateway, 'switchboard_gateway_slow_consumers_total')) > cutOffsBefore;
  let asked = 0;
  // The socket's kernel buffers take a few MB before the gateway's own buffer fills.
  while (!(await cutOff())) {
    if (asked >= 30) clearInterval(keepingAlive);
    assert.ok(asked < 30, `no cut-off after ${asked} history pages`);
    slow.send({ type: 'history', id: `h${asked++}`, conversationId, limit: 500 });
    await sleep(100);
  }
  clearInterval(keepingAlive);
  // What is asked for after the cut-off must cost the gateway nothing.
  for (let i = 0; i < LATE_PAGES; i++) slow.send({ type: 'history', id: `late${i}`, conversationId, limit: 500 });
  for (let i = 0; i < 10; i++) void pusher.request({ type: 'send', to: slowId, clientMsgId: `late-${i}`, body });
  await sleep(1_500);
  const grewBy = sampling.stop() - baseline;
  const attempted = (asked + LATE_PAGES) * PAGE_MESSAGES * body.length;
  a.note(`cut off after ${asked} pages; ${(attempted / MIB).toFixed(0)} MiB asked for; the gateway grew by ${(grewBy / MIB).toFixed(1)} MiB`);
  assert.ok(attempted > 3 * MEMORY_BOUND, 'asked for enough that buffering it would break the bound');
  assert.ok(grewBy < MEMORY_BOUND, `the gateway grew by ${(grewBy / MIB).toFixed(1)} MiB while ${(attempted / MIB).toFixed(0)} MiB were asked of a client that did not read`);
  slow.resume();
  const closed = await Promise.race([slow.closed, sleep(30_000).then(() => ({ code: -1, reason: 'not closed within 30 s' }))]);
  slow.destroy();
  const answered = slow.frames.filter((f) => typeof f.id === 'string' && f.id.startsWith('late'));
  assert.deepEqual(answered, [], 'nothing asked after the cut-off was answered');
  assert.ok(slow.frames.some((f) => f.type === 'ok' && f.id === 'h0'), 'what was queued before the cut-off arrived, then the close frame');
  return { close: closed.code, reason: closed.reason };
}

before(async () => {
  platform = await startPlatform({
    gateways: 2,
    env: {
      JWT_AUDIENCE: AUDIENCE,
      GATEWAY_ALLOWED_ORIGINS: ORIGIN,
      GATEWAY_RATE_PER_SECOND: String(LIMITS.rate),
      GATEWAY_RATE_BURST: String(LIMITS.burst),
      GATEWAY_USER_RATE_PER_SECOND: String(LIMITS.userRate),
      GATEWAY_USER_RATE_BURST: String(LIMITS.userBurst),
      GATEWAY_MAX_SESSIONS_PER_USER: String(LIMITS.sessions),
      GATEWAY_MAX_FRAME_BYTES: String(LIMITS.maxFrame),
      GATEWAY_MAX_BUFFERED_BYTES: String(LIMITS.bufferedBytes),
      GATEWAY_IDLE_TIMEOUT_S: '8',
      GATEWAY_CLOSE_GRACE_MS: '20000',
      ROUTER_MAX_GROUP_SIZE: String(LIMITS.group),
    },
  });
  bystanders = await startBystanders(platform.gatewayUrls, (userId) => token(userId));
  await bystanders.exchange();
});

after(async () => {
  await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
  await bystanders?.close();
  await platform?.stop();
});

for (const row of ROWS) {
  test(`${row.name}: ${JSON.stringify(row.expect)}; bystanders unaffected; nothing stored`, async (t) => {
    const authors: string[] = [];
    const members: string[] = [];
    const fresh = (prefix: string, ...lists: string[][]) => {
      const id = randomName(prefix);
      for (const list of lists) list.push(id);
      return id;
    };
    const attack: Attack = {
      user: (prefix = 'bad-') => fresh(prefix, authors, members),
      outsider: (prefix = 'out-') => fresh(prefix, members),
      recipient: (prefix = 'to-') => fresh(prefix, authors),
      marker: randomName('marker-'),
      token,
      async connect(userId, gateway = 0, options = {}) {
        const client = await EdgeClient.connect(platform.gatewayUrls[gateway]!, { token: token(userId), ...options });
        opened.push(client);
        return client;
      },
      attempt: ({ gateway = 0, ...options }) => EdgeClient.attempt(platform.gatewayUrls[gateway]!, options),
      note: (text) => t.diagnostic(text),
    };
    const talking = bystanders.talk();
    const outcome = await row.attack(attack).then(
      (observed) => ({ observed }),
      (error: unknown) => ({ error }),
    );
    const rounds = await talking.stop();
    t.diagnostic(`the bystanders completed ${rounds} rounds meanwhile`);
    if ('error' in outcome) throw outcome.error;
    const { observed } = outcome;
    assert.deepEqual(observed, row.expect);
    assert.ok(rounds >= 1, 'the bystanders kept talking while it happened');
    await bystanders.exchange();
    await messagePersisted(platform.databaseUrl, bystanders.conversationId, bystanders.lastClientMsgId());
    assert.deepEqual(await tracesIn(platform.databaseUrl, authors, members, attack.marker), { events: 0, messages: 0, members: 0, cursors: 0, conversations: 0 });
  });
}

test('docs/protocol.md documents every code and status this catalogue expects', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'protocol.md'), 'utf8');
  const lines = doc.split('\n');
  for (const { expect } of ROWS) {
    if ('reply' in expect) assert.ok(lines.some((l) => l.startsWith(`| \`${expect.reply}\` |`)), `error table row for ${expect.reply}`);
    if ('close' in expect) assert.ok(lines.some((l) => l.startsWith(`| ${expect.close} |`)), `close code table row for ${expect.close}`);
    if ('http' in expect) {
      assert.ok(lines.some((l) => l.startsWith(`| ${expect.http} | \`${expect.code}\` |`)), `upgrade refusal row for ${expect.http} ${expect.code}`);
      if (expect.reason) assert.ok(doc.includes(`\`${expect.reason}\``), `refusal reason ${expect.reason}`);
    }
  }
});
