import { io, type Socket } from 'socket.io-client';
import { noDelivery, noReply, type LoadClient } from './loadClient';

interface EventPayload {
  body?: string;
}

/** The same operations over socket.io-client (WebSocket transport only), with an ack per send as Switchboard has. */
export class SocketIoClient implements LoadClient {
  onDelivery = noDelivery;
  onReply = noReply;

  private constructor(
    readonly userId: string,
    private readonly socket: Socket,
  ) {
    socket.on('event', (event: EventPayload) => {
      if (typeof event.body === 'string') this.onDelivery(event.body);
    });
  }

  static connect(url: string, userId: string, token: string, timeoutMs = 20_000): Promise<SocketIoClient> {
    const socket = io(url, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false, timeout: timeoutMs });
    const client = new SocketIoClient(userId, socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (err) => reject(new Error(`${userId}: ${err.message}`)));
    });
  }

  sendDirect(to: string, body: string, requestId: string): void {
    this.socket.emit('send', { to, clientMsgId: `c${requestId}`, body }, (r: { ok?: boolean }) => this.onReply(requestId, r?.ok === true));
  }

  sendToConversation(conversationId: string, body: string, requestId: string): void {
    this.socket.emit('send', { conversationId, clientMsgId: `c${requestId}`, body }, (r: { ok?: boolean }) => this.onReply(requestId, r?.ok === true));
  }

  async createGroup(_name: string, members: readonly string[]): Promise<string> {
    const reply = (await this.socket.timeout(30_000).emitWithAck('group.create', { members })) as { conversationId: string };
    return reply.conversationId;
  }

  async ready(): Promise<void> {
    // Rooms are joined in the connection handler; nothing is held back.
  }

  get isOpen(): boolean {
    return this.socket.connected;
  }

  async close(): Promise<void> {
    this.socket.disconnect();
  }
}
