import { createHmac } from 'node:crypto';
import { createClient } from '@switchboard/client';

// The platform that `npm start` runs; set SWITCHBOARD_URL and JWT_SECRET to use another one.
const url = process.env.SWITCHBOARD_URL ?? 'ws://127.0.0.1:8080/v1';
const secret = process.env.JWT_SECRET ?? 'switchboard-local-development-secret-0123456789';

// A development token (HS256), like `node libs/auth/dist/bin/mintToken.js <user>` prints.
// In production your backend issues tokens: the client only needs a function that returns one.
function devToken(userId) {
  const part = (json) => Buffer.from(JSON.stringify(json)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const run = Date.now().toString(36);
const aliceId = `alice-${run}`;
const bobId = `bob-${run}`;
const alice = createClient({ url, token: () => devToken(aliceId) });
const bob = createClient({ url, token: () => devToken(bobId) });

// Each message of a conversation arrives once and in order, your own ones included.
const bobGot = new Promise((resolve) => bob.on('message', (m) => m.actorId === aliceId && resolve(m)));
const sent = await alice.send({ to: bobId, body: 'Hello, Bob!' });
console.log(`alice sent "Hello, Bob!" as message ${sent.seq}`);
const hello = await bobGot;
console.log(`bob received "${hello.body}"`);

const aliceGot = new Promise((resolve) => alice.on('message', (m) => m.actorId === bobId && resolve(m)));
const reply = await bob.send({ conversationId: hello.conversationId, body: 'Hi Alice!' });
console.log(`bob replied as message ${reply.seq}`);
console.log(`alice received "${(await aliceGot).body}"`);

await Promise.all([alice.close(), bob.close()]);
