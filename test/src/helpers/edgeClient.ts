import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

export type Frame = Record<string, unknown>;

/** How an upgrade ended: refused over HTTP, or a socket that opened. */
export type UpgradeOutcome = { kind: 'refused'; status: number; body: Frame } | { kind: 'open'; client: EdgeClient };

export interface EdgeConnectOptions {
  token?: string;
  origin?: string;
  /** False: never answer the gateway's pings (a client that went silent). */
  autoPong?: boolean;
}

/**
 * A client for bad-input tests: sends anything (broken JSON, binary, invalid UTF-8), can stop
 * reading, and reports exactly how its connection ended: close code and reason, or HTTP refusal.
 */
export class EdgeClient {
  readonly frames: Frame[] = [];
  /** Pings received from the gateway. */
  pings = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.frames.push(JSON.parse(data.toString()) as Frame);
    });
    ws.on('ping', () => (this.pings += 1));
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket; resolves once it is open (before the welcome) or refused. */
  static attempt(url: string, options: EdgeConnectOptions = {}): Promise<UpgradeOutcome> {
    const query = options.token === undefined ? '' : `?access_token=${encodeURIComponent(options.token)}`;
    const ws = new WebSocket(`${url}${query}`, {
      ...(options.origin !== undefined ? { origin: options.origin } : {}),
      autoPong: options.autoPong ?? true,
    });
    const client = new EdgeClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ kind: 'open', client }));
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ kind: 'refused', status: res.statusCode ?? 0, body: JSON.parse(text || '{}') as Frame }));
      });
      ws.once('error', reject);
    });
  }

  /** Opens a socket and waits for its welcome. */
  static async connect(url: string, options: EdgeConnectOptions = {}): Promise<EdgeClient> {
    const outcome = await EdgeClient.attempt(url, options);
    if (outcome.kind === 'refused') throw new Error(`upgrade refused with HTTP ${outcome.status}: ${JSON.stringify(outcome.body)}`);
    await outcome.client.next((f) => f.type === 'welcome');
    return outcome.client;
  }

  /** The first frame (already received or to come) that matches; fails if the socket closes first. */
  async next(match: (frame: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    let closed: { code: number; reason: string } | undefined;
    void this.closed.then((how) => (closed = how));
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      if (closed) throw new Error(`the socket closed (${closed.code} ${closed.reason || 'without a reason'}) before a matching frame; got ${JSON.stringify(this.frames.slice(-3))}`);
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-3))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  send(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends bytes as they are, in a text or a binary frame. */
  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Sends a request with a fresh id and resolves with its reply. */
  async request(frame: Frame, timeoutMs = 20_000): Promise<Frame> {
    const id = `q${++this.nextId}`;
    this.send({ ...frame, id });
    return this.next((f) => (f.type === 'ok' || f.type === 'error') && f.id === id, timeoutMs);
  }

  /**
   * Stops reading from the TCP socket: what the gateway sends piles up in its buffers. ws's own
   * pause(), because pausing ws's socket directly is undone when ws's frame parser drains.
   */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}
