import type { WebSocketConstructorLike, WebSocketLike } from '../socket';

/** A socket the test plays the gateway for: it sees what the client writes and says what the gateway says. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closedByClient: { code?: number; reason?: string } | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: { message?: unknown }) => void) | null = null;

  constructor(readonly url: string) {}

  get token(): string {
    return new URL(this.url).searchParams.get('access_token') ?? '';
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { ...(code !== undefined ? { code } : {}), ...(reason !== undefined ? { reason } : {}) };
    this.readyState = 3;
  }

  /** Opens and says welcome. */
  welcome(userId = 'me', limits = { maxFrameBytes: 65_536, maxBodyLength: 16_384, messagesPerSecond: 1_000 }): void {
    this.readyState = 1;
    this.onopen?.({});
    this.push({ type: 'welcome', protocol: 1, sessionId: `s-${this.url.length}`, userId, gatewayId: 'gw', limits });
  }

  push(frame: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** Answers the last request of `type` with ok. */
  ok(type: string, result: Record<string, unknown> = {}): void {
    const request = this.last(type);
    this.push({ type: 'ok', id: request.id, result });
  }

  fail(type: string, code: string, retriable: boolean): void {
    this.push({ type: 'error', id: this.last(type).id, code, message: code, retriable });
  }

  last(type: string): Record<string, unknown> {
    const request = [...this.sent].reverse().find((f) => f.type === type);
    if (!request) throw new Error(`no ${type} was sent; sent: ${JSON.stringify(this.sent)}`);
    return request;
  }

  /** The gateway (or the network) ends the connection. */
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** The upgrade is answered with an HTTP error, as `ws` reports it. */
  refuse(status: number): void {
    this.onerror?.({ message: `Unexpected server response: ${status}` });
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

/** Records every socket a client opens. */
export class FakeGateway {
  readonly sockets: FakeSocket[] = [];
  readonly WebSocket: WebSocketConstructorLike;

  constructor() {
    const sockets = this.sockets;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
      }
    };
  }

  get latest(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  /** Waits until the client opened its `count`th socket. */
  async opened(count: number, timeoutMs = 2_000): Promise<FakeSocket> {
    await until(() => this.sockets.length >= count, timeoutMs, `socket ${count} to open`);
    return this.sockets[count - 1] as FakeSocket;
  }
}

export async function until(check: () => boolean, timeoutMs = 2_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** An unsigned token: the client only reads `sub` and `exp`. */
export function fakeToken(userId: string, expiresInMs?: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Date.now();
  const claims = { sub: userId, iat: Math.floor(now / 1000), ...(expiresInMs !== undefined ? { exp: (now + expiresInMs) / 1000 } : {}) };
  return `${part({ alg: 'none' })}.${part(claims)}.x`;
}
