import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Redis } from 'ioredis';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import WebSocket from 'ws';
import { createTokenVerifier, mintDevToken } from '@switchboard/auth';
import { createKafka, ensureTopics, partitionFor, topicNames, topicSpec } from '@switchboard/kafka';
import { createPresence } from '@switchboard/presence';
import { directConversationId } from '@switchboard/protocol';
import { createCodec, decodeCommand, encodeDelivery, loadFileCatalog, type Command, type Delivery } from '@switchboard/schemas';
import { createLogger, createMetrics } from '@switchboard/telemetry';
import { createGateway, createHistoryClient, type Gateway } from './index';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = randomBytes(32).toString('hex');
const ALLOWED_ORIGIN = 'https://app.example';
const namespace = `t${randomBytes(5).toString('hex')}`;
const gatewayId = `${namespace}-gw`;
const topics = topicNames(namespace);
const codec = createCodec(loadFileCatalog());

let kafka: Kafka;
let gateway: Gateway;
let producer: Producer;
let commandsReader: Consumer;
const commands: Command[] = [];
const commandWaiters = new Set<() => void>();

const token = (userId: string) => mintDevToken({ secret: SECRET, userId });
const url = (path = '/v1') => `ws://127.0.0.1:${gateway.port}${path}`;

/** A client that keeps every frame it receives and can wait for the next one matching a test. */
function connect(userId: string, options: { origin?: string; path?: string; token?: string } = {}) {
  const ws = new WebSocket(url(options.path), {
    headers: { authorization: `Bearer ${options.token ?? token(userId)}`, ...(options.origin ? { origin: options.origin } : {}) },
  });
  const frames: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  async function next(match: (frame: Record<string, unknown>) => boolean, what: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = frames.findIndex(match);
      if (index >= 0) return frames.splice(index, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  }
  return { ws, frames, closed, next, send: (frame: unknown) => ws.send(JSON.stringify(frame)) };
}

async function welcomed(userId: string) {
  const client = connect(userId);
  const welcome = await client.next((f) => f.type === 'welcome', 'welcome frame');
  return { ...client, sessionId: welcome.sessionId as string, welcome };
}

/** The HTTP status and JSON body of a refused upgrade. */
function refusedUpgrade(path: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url(path), { headers });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
  });
}

async function commandFor(requestId: string, sessionId: string): Promise<Command> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = commands.find((c) => c.origin.requestId === requestId && c.origin.sessionId === sessionId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no command for request ${requestId} on ${topics.commands}`);
    await new Promise<void>((resolve) => {
      commandWaiters.add(resolve);
      setTimeout(resolve, 100);
    });
  }
}

async function deliver(delivery: Delivery): Promise<void> {
  await producer.send({
    topic: topics.deliveries,
    acks: -1,
    messages: [
      {
        key: delivery.gatewayId,
        partition: partitionFor(delivery.gatewayId, topicSpec('deliveries').partitions),
        value: encodeDelivery(codec, delivery),
        headers: { 'gateway-id': delivery.gatewayId, 'delivery-type': delivery.body.type },
      },
    ],
  });
}

before(async () => {
  kafka = createKafka({ brokers: BROKERS, clientId: `${namespace}-test`, log: () => undefined });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, namespace);
  await admin.disconnect();

  commandsReader = kafka.consumer({ groupId: `${namespace}.test.commands`, maxWaitTimeInMs: 50 });
  await commandsReader.connect();
  await commandsReader.subscribe({ topic: topics.commands, fromBeginning: true });
  await commandsReader.run({
    eachMessage: async ({ message }) => {
      if (message.value) commands.push(decodeCommand(codec, message.value));
      for (const wake of commandWaiters) wake();
      commandWaiters.clear();
    },
  });
  producer = kafka.producer();
  await producer.connect();

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const logger = createLogger('gateway', (process.env.TEST_LOG_LEVEL as 'debug' | undefined) ?? 'error');
  gateway = createGateway({
    settings: {
      namespace,
      gatewayId,
      host: '127.0.0.1',
      port: 0,
      allowedOrigins: [ALLOWED_ORIGIN],
      maxFrameBytes: 4_096,
      idleTimeoutS: 60,
      maxBufferedBytes: 1_048_576,
      closeGraceMs: 5_000,
      ratePerSecond: 1,
      rateBurst: 5,
      userRatePerSecond: 1_000,
      userRateBurst: 1_000,
      maxSessionsPerUser: 3,
      requestTimeoutMs: 30_000,
      resumeGraceMs: 1_000,
      gapHoldMs: 10_000,
      fetchWaitMs: 5,
      fetchIntervalMs: 0,
      publishIntervalMs: 0,
      tls: undefined,
      staticDir: undefined,
    },
    kafka,
    redis,
    presence: createPresence({ redis, namespace }),
    codec,
    verifier: createTokenVerifier({ algorithms: ['HS256'], secret: SECRET }),
    history: createHistoryClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 }),
    logger,
    metrics: createMetrics(),
  });
  await gateway.start();
});

after(async () => {
  await gateway?.stop();
  await commandsReader?.disconnect();
  await producer?.disconnect();
});

test('health, readiness and metrics answer over HTTP', async () => {
  const health = await fetch(`http://127.0.0.1:${gateway.port}/healthz`);
  assert.equal(health.status, 200);
  const ready = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
  assert.equal(ready.status, 200, await ready.clone().text());
  assert.deepEqual(await ready.json(), { ready: true });
  const metrics = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
  assert.match(metrics, /switchboard_gateway_connections/);
  assert.equal((await fetch(`http://127.0.0.1:${gateway.port}/nothing-here`)).status, 404);
});

test('a client with a valid token is welcomed with its session and the limits', async () => {
  const client = await welcomed('alice');
  assert.equal(client.welcome.protocol, 1);
  assert.equal(client.welcome.userId, 'alice');
  assert.equal(client.welcome.gatewayId, gatewayId);
  assert.match(client.sessionId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(client.welcome.limits, { maxFrameBytes: 4_096, maxBodyLength: 16_384, messagesPerSecond: 1 });
  client.ws.close();
});

test('the token may come in the access_token query parameter', async () => {
  const ws = new WebSocket(`${url()}?access_token=${encodeURIComponent(token('dora'))}`);
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
    ws.once('error', reject);
  });
  assert.equal(first.type, 'welcome');
  assert.equal(first.userId, 'dora');
  ws.close();
});

test('a bad or missing token is refused with 401 and a JSON reason', async () => {
  const bad = await refusedUpgrade('/v1', { authorization: `Bearer ${mintDevToken({ secret: 'y'.repeat(32), userId: 'mallory' })}` });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.code, 'unauthorized');
  assert.equal(bad.body.reason, 'token_bad_signature');
  assert.equal(typeof bad.body.message, 'string');
  const missing = await refusedUpgrade('/v1', {});
  assert.equal(missing.status, 401);
  assert.equal(missing.body.reason, 'token_missing');
});

test('an origin outside the allowlist is refused with 403; a listed one is accepted', async () => {
  const refused = await refusedUpgrade('/v1', { authorization: `Bearer ${token('alice')}`, origin: 'https://evil.example' });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'origin_not_allowed');
  const client = connect('alice', { origin: ALLOWED_ORIGIN });
  await client.next((f) => f.type === 'welcome', 'welcome frame');
  client.ws.close();
});

test('upgrades on any other path are 404', async () => {
  const refused = await refusedUpgrade('/v2', { authorization: `Bearer ${token('alice')}` });
  assert.equal(refused.status, 404);
});

test('a user cannot open more sessions than allowed: the extra one is told why and closed with 4008', async () => {
  const open = [await welcomed('erin'), await welcomed('erin'), await welcomed('erin')];
  const extra = connect('erin');
  const closed = await extra.closed;
  assert.deepEqual(closed, { code: 4008, reason: 'too_many_sessions' });
  assert.deepEqual(extra.frames.map((f) => [f.type, f.code]), [['error', 'too_many_sessions']], 'no welcome, one error frame');
  assert.equal((await connect('erin').closed).code, 4008, 'still full');
  open[0]!.ws.close();
  await open[0]!.closed;
  // The closed session's presence is released asynchronously: retry until its place is free.
  const welcomeOrClose = async (client: ReturnType<typeof connect>): Promise<'welcome' | number> => {
    for (;;) {
      if (client.frames.some((f) => f.type === 'welcome')) return 'welcome';
      const closed = await Promise.race([client.closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20))]);
      if (closed) return closed.code;
    }
  };
  let replacement = connect('erin');
  for (let tries = 0; (await welcomeOrClose(replacement)) !== 'welcome'; tries++) {
    assert.ok(tries < 50, 'a place never became free: refused sessions stayed registered');
    await new Promise((resolve) => setTimeout(resolve, 100));
    replacement = connect('erin');
  }
  open[0] = { ...replacement, sessionId: '', welcome: {} };
  for (const client of open) {
    client.ws.close();
    await client.closed;
  }
});

test('malformed JSON is answered with bad_frame and the socket stays open', async () => {
  const client = await welcomed('alice');
  client.ws.send('{not json');
  const error = await client.next((f) => f.type === 'error', 'error frame');
  assert.deepEqual(error, { type: 'error', id: null, code: 'bad_frame', message: 'the frame is not valid JSON', retriable: false });
  client.send({ type: 'ping', id: 'p1' });
  const pong = await client.next((f) => f.type === 'ok', 'ping reply');
  assert.equal(pong.id, 'p1');
  assert.equal(typeof (pong.result as { time: unknown }).time, 'number');
  client.ws.close();
});

test('an invalid request names its id and the problem', async () => {
  const client = await welcomed('alice');
  client.send({ type: 'send', id: 'bad-1', to: 'bob', clientMsgId: 'c', body: '' });
  const error = await client.next((f) => f.type === 'error', 'error frame');
  assert.equal(error.id, 'bad-1');
  assert.equal(error.code, 'invalid_request');
  client.ws.close();
});

test('too many frames are refused with rate_limited and the socket stays open', async () => {
  const client = await welcomed('alice');
  for (let i = 0; i < 8; i++) client.send({ type: 'ping', id: `p${i}` });
  const refused = await client.next((f) => f.type === 'error', 'rate_limited error');
  assert.equal(refused.code, 'rate_limited');
  assert.equal(refused.retriable, true);
  assert.match(String(refused.id), /^p\d$/);
  assert.equal(client.ws.readyState, WebSocket.OPEN);
  client.ws.close();
});

test('a frame over the size limit closes the socket with 1009 frame_too_large', async () => {
  const client = await welcomed('alice');
  client.send({ type: 'ping', id: 'big', pad: 'x'.repeat(5_000) });
  const closed = await client.closed;
  assert.equal(closed.code, 1009);
  assert.equal(closed.reason, 'frame_too_large');
});

test('a session is closed with 4001 when its token expires', async () => {
  const client = connect('gina', { token: mintDevToken({ secret: SECRET, userId: 'gina', ttlSec: 1 }) });
  await client.next((f) => f.type === 'welcome', 'welcome frame');
  const closed = await client.closed;
  assert.equal(closed.code, 4001);
  assert.equal(closed.reason, 'unauthorized');
});

test('a binary frame closes the socket with 1003', async () => {
  const client = await welcomed('alice');
  client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  const closed = await client.closed;
  assert.equal(closed.code, 1003);
  assert.equal(closed.reason, 'binary_not_supported');
});

test('a send is published as a Command and answered when the router replies through the deliveries topic', async () => {
  const client = await welcomed('alice');
  client.send({ type: 'send', id: 'req-1', to: 'bob', clientMsgId: 'cm-1', body: 'hello bob' });
  const command = await commandFor('req-1', client.sessionId);
  const conversationId = directConversationId('alice', 'bob');
  assert.equal(command.conversationId, conversationId);
  assert.deepEqual(command.origin, { gatewayId, sessionId: client.sessionId, userId: 'alice', requestId: 'req-1' });
  assert.deepEqual(command.body, { type: 'SendMessage', clientMsgId: 'cm-1', recipientId: 'bob', body: 'hello bob', contentType: 'text/plain' });
  assert.equal(client.frames.length, 0, 'no reply before the router answers');

  await deliver({
    gatewayId,
    body: { type: 'CommandReply', sessionId: client.sessionId, requestId: 'req-1', conversationId, seq: 7, messageId: 'msg-7', errorCode: null, errorMessage: null },
  });
  const ok = await client.next((f) => f.type === 'ok', 'ok reply');
  assert.deepEqual(ok, { type: 'ok', id: 'req-1', result: { conversationId, seq: 7, messageId: 'msg-7' } });
  client.ws.close();
});

test("the router's committed event acks the sender and reaches the recipient's sessions", async () => {
  const alice = await welcomed('alice');
  const bob = await welcomed('bob');
  const conversationId = directConversationId('alice', 'bob');
  alice.send({ type: 'send', id: 'req-2', to: 'bob', clientMsgId: 'cm-2', body: 'second' });
  const command = await commandFor('req-2', alice.sessionId);
  await deliver({
    gatewayId,
    body: {
      type: 'EventDelivery',
      recipients: ['alice', 'bob'],
      event: {
        eventId: `${command.commandId}:1`,
        conversationId,
        kind: 'DIRECT',
        seq: 1,
        occurredAt: Date.now(),
        actorId: 'alice',
        origin: command.origin,
        traceparent: null,
        body: { type: 'MessageSent', messageId: 'msg-1', clientMsgId: 'cm-2', recipientId: 'bob', body: 'second', contentType: 'text/plain' },
      },
    },
  });
  const ack = await alice.next((f) => f.type === 'ok', 'ack');
  assert.deepEqual(ack, { type: 'ok', id: 'req-2', result: { conversationId, seq: 1, messageId: 'msg-1' } });
  const pushed = await bob.next((f) => f.type === 'event', 'event push');
  assert.deepEqual((pushed.event as Record<string, unknown>).seq, 1);
  assert.deepEqual((pushed.event as Record<string, unknown>).body, 'second');
  assert.equal(alice.frames.filter((f) => f.type === 'event').length, 0, 'the sender gets the ack instead of the event');
  alice.ws.close();
  bob.ws.close();
});

test('a router refusal reaches the client as an error with the stable code', async () => {
  const client = await welcomed('alice');
  const group = `grp.${'e'.repeat(32)}`;
  client.send({ type: 'send', id: 'req-3', conversationId: group, clientMsgId: 'cm-3', body: 'hi' });
  await commandFor('req-3', client.sessionId);
  await deliver({
    gatewayId,
    body: { type: 'CommandReply', sessionId: client.sessionId, requestId: 'req-3', conversationId: group, seq: null, messageId: null, errorCode: 'not_member', errorMessage: 'you are not a member of this conversation' },
  });
  const error = await client.next((f) => f.type === 'error', 'error reply');
  assert.deepEqual(error, { type: 'error', id: 'req-3', code: 'not_member', message: 'you are not a member of this conversation', retriable: false });
  client.ws.close();
});

test('stopping the gateway closes sockets with 1001 going_away', async () => {
  const client = await welcomed('frank');
  await gateway.stop();
  const closed = await client.closed;
  assert.equal(closed.code, 1001);
  assert.equal(closed.reason, 'going_away');
});
