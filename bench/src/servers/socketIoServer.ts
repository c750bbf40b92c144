/**
 * The Socket.IO 4 comparison: one of two servers joined by @socket.io/redis-adapter, with the same
 * token check at the handshake. A room per user and per group; WebSocket transport only, so no
 * sticky sessions are needed.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createTokenVerifier } from '@switchboard/auth';

const port = Number(process.env.PORT);
const verifier = createTokenVerifier({ algorithms: ['HS256'], secret: process.env.JWT_SECRET ?? '' });
const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sub = pub.duplicate();
const serverId = process.env.SERVER_ID ?? String(process.pid);
let groups = 0;

const http = createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(pub.status === 'ready' && sub.status === 'ready' ? 200 : 503).end();
    return;
  }
  res.writeHead(404).end();
});
const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false, pingInterval: 25_000, pingTimeout: 20_000 });
io.adapter(createAdapter(pub, sub, { key: `${process.env.ROOM_PREFIX ?? 'bench'}#sio` }));

io.use((socket, next) => {
  const token = (socket.handshake.auth as { token?: unknown }).token;
  verifier.verify(typeof token === 'string' ? token : '').then(
    (principal) => {
      socket.data.userId = principal.userId;
      next();
    },
    () => next(new Error('unauthorized')),
  );
});

interface SendFrame {
  to?: string;
  conversationId?: string;
  clientMsgId: string;
  body: string;
}

io.on('connection', (socket) => {
  const userId = socket.data.userId as string;
  void socket.join(`u:${userId}`);
  socket.on('send', (msg: SendFrame, ack?: (r: unknown) => void) => {
    const direct = typeof msg.to === 'string';
    const conversationId = direct ? 'dm' : String(msg.conversationId);
    const event = { conversationId, conversationKind: direct ? 'direct' : 'group', seq: null, kind: 'message', actorId: userId, at: Date.now(), clientMsgId: msg.clientMsgId, body: msg.body };
    if (direct) io.to(`u:${msg.to}`).emit('event', event);
    else socket.to(`g:${conversationId}`).emit('event', event);
    ack?.({ ok: true, conversationId });
  });
  socket.on('group.create', (msg: { members: string[] }, ack?: (r: unknown) => void) => {
    const conversationId = `grp.${serverId}.${++groups}`;
    io.in([userId, ...msg.members].map((u) => `u:${u}`)).socketsJoin(`g:${conversationId}`);
    ack?.({ ok: true, conversationId });
  });
});

http.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
