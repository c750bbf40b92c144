/**
 * The ceiling for scenarios 1-3: one uWebSockets.js process that speaks the same JSON frames as
 * the gateway, authenticates the same tokens, and relays with uWS pub/sub (a topic per user and per
 * group), with nothing durable in between. Whatever Switchboard spends above this is the price of
 * Kafka, sequencing and delivery guarantees.
 */
import { App, DISABLED, type WebSocket } from 'uWebSockets.js';
import { createTokenVerifier } from '@switchboard/auth';

interface UserData {
  userId: string;
}

const port = Number(process.env.PORT);
const verifier = createTokenVerifier({ algorithms: ['HS256'], secret: process.env.JWT_SECRET ?? '' });
const socketsOf = new Map<string, Set<WebSocket<UserData>>>();
let groups = 0;
let sessions = 0;

const reply = (id: unknown, result: unknown) => JSON.stringify({ type: 'ok', id, result });

App()
  .get('/readyz', (res) => void res.end('ok'))
  .ws<UserData>('/v1', {
    compression: DISABLED,
    maxPayloadLength: 256 * 1024,
    idleTimeout: 60,
    sendPingsAutomatically: true,
    maxBackpressure: 1024 * 1024,
    closeOnBackpressureLimit: 1,
    upgrade(res, req, context) {
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      const token = new URLSearchParams(req.getQuery() ?? '').get('access_token') ?? '';
      let aborted = false;
      res.onAborted(() => void (aborted = true));
      verifier.verify(token).then(
        (principal) => {
          if (aborted) return;
          res.cork(() => res.upgrade<UserData>({ userId: principal.userId }, key, protocol, extensions, context));
        },
        () => {
          if (!aborted) res.cork(() => res.writeStatus('401 Unauthorized').end('{"code":"unauthorized"}'));
        },
      );
    },
    open(ws) {
      const { userId } = ws.getUserData();
      let set = socketsOf.get(userId);
      if (!set) socketsOf.set(userId, (set = new Set()));
      set.add(ws);
      ws.subscribe(`u:${userId}`);
      ws.send(JSON.stringify({ type: 'welcome', protocol: 1, sessionId: `r${++sessions}`, userId, gatewayId: 'uws-relay' }));
    },
    message(ws, message) {
      const { userId } = ws.getUserData();
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(Buffer.from(message).toString('utf8')) as Record<string, unknown>;
      } catch {
        ws.send('{"type":"error","id":null,"code":"bad_frame"}');
        return;
      }
      switch (frame.type) {
        case 'send': {
          const direct = typeof frame.to === 'string';
          const conversationId = direct ? 'dm' : String(frame.conversationId);
          const event = JSON.stringify({
            type: 'event',
            event: { conversationId, conversationKind: direct ? 'direct' : 'group', seq: null, kind: 'message', actorId: userId, at: Date.now(), clientMsgId: frame.clientMsgId, body: frame.body },
          });
          if (direct) ws.publish(`u:${String(frame.to)}`, event);
          else ws.publish(`g:${conversationId}`, event);
          ws.send(reply(frame.id, { conversationId, seq: null }));
          return;
        }
        case 'group.create': {
          const conversationId = `grp.${++groups}`;
          const members = [userId, ...((frame.members as string[]) ?? [])];
          for (const member of members) for (const s of socketsOf.get(member) ?? []) s.subscribe(`g:${conversationId}`);
          ws.send(reply(frame.id, { conversationId, seq: 1 }));
          return;
        }
        case 'sync':
          ws.send(reply(frame.id, { conversations: [] }));
          return;
        default:
          ws.send(reply(frame.id, {}));
      }
    },
    close(ws) {
      const { userId } = ws.getUserData();
      const set = socketsOf.get(userId);
      set?.delete(ws);
      if (set?.size === 0) socketsOf.delete(userId);
    },
  })
  .listen('127.0.0.1', port, (socket) => {
    if (!socket) {
      process.stderr.write(`uws relay: cannot listen on ${port}\n`);
      process.exit(1);
    }
  });

process.on('SIGTERM', () => process.exit(0));
