// A terminal chat on the local platform: node examples/chat.mjs <your user id> <a user id or grp.… id>
// Type a line to send it. /history shows the last 20 events, /quit leaves. Run two of them to talk.
import { createInterface } from 'node:readline';
import { createClient } from '@switchboard/client';
import { devToken } from './devToken.mjs';

const [me, peer] = process.argv.slice(2);
if (!me || !peer) {
  console.error('usage: node examples/chat.mjs <your user id> <a user id or a grp.… conversation id>');
  process.exit(2);
}
const url = process.env.SWITCHBOARD_URL ?? 'ws://127.0.0.1:8080/v1';
const target = peer.startsWith('grp.') ? { conversationId: peer } : { to: peer };
let conversationId = target.conversationId;

// A short-lived token shows the client moving to a new connection before each one expires.
const client = createClient({ url, token: () => devToken(me, { ttlSec: 120 }) });
const time = (at) => new Date(at).toLocaleTimeString();
// Our own client ids: the first message we send tells which conversation this chat is.
const mine = new Set();
let sent = 0;

client.on('state', ({ state, delayMs, error }) => {
  const detail = error ? `: ${error.code} (${error.message})` : delayMs !== undefined ? ` in ${delayMs} ms` : '';
  console.error(`[${state}${detail}]`);
});
client.on('message', (m) => {
  if (conversationId === undefined && (m.actorId === peer || mine.has(m.clientMsgId))) conversationId = m.conversationId;
  if (m.conversationId !== conversationId) return;
  console.log(`${time(m.at)} ${m.actorId}: ${m.body ?? '(deleted)'}`);
  if (m.actorId !== me) client.markRead(m.conversationId, m.seq).catch(() => undefined);
});
client.on('message_edited', (e) => e.conversationId === conversationId && console.log(`  (message ${e.targetSeq} edited: ${e.body})`));
client.on('read', (r) => r.conversationId === conversationId && r.userId !== me && console.error(`  [${r.userId} read up to ${r.upToSeq}]`));
client.on('typing', (t) => t.conversationId === conversationId && t.active && console.error(`  [${t.userId} is typing]`));

const input = createInterface({ input: process.stdin });
input.on('line', async (line) => {
  const text = line.trim();
  if (text === '/quit') return input.close();
  try {
    if (text === '/history') {
      if (!conversationId) return console.error('[no conversation yet: send something first]');
      const page = await client.history(conversationId, { limit: 20 });
      for (const e of page.events) console.log(`  #${e.seq} ${e.kind} ${e.actorId}${e.body ? `: ${e.body}` : ''}`);
    } else if (text) {
      const clientMsgId = `${me}-${Date.now().toString(36)}-${(sent += 1)}`;
      mine.add(clientMsgId);
      await client.send({ ...(conversationId ? { conversationId } : target), body: text, clientMsgId });
      mine.delete(clientMsgId);
    }
  } catch (err) {
    console.error(`[${err.code ?? 'error'}: ${err.message}]`);
  }
});
input.on('close', () => client.close());
