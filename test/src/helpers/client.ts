import WebSocket from 'ws';
import type { ClientEvent, ServerFrame } from '@switchboard/protocol';
import { mintDevToken } from '@switchboard/auth';
import { JWT_SECRET } from './platform';

export type Frame = ServerFrame & Record<string, unknown>;

/** A deliberately plain protocol client for tests: no retries, no reconnects, every frame recorded. */
export class TestClient {
  readonly frames: Frame[] = [];
  private nextId = 0;
  private readonly waiters = new Set<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }>();
  closeCode: number | undefined;
  readonly closed: Promise<number>;

  private constructor(readonly userId: string, private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      for (const w of [...this.waiters]) {
        if (w.match(frame)) {
          this.waiters.delete(w);
          w.resolve(frame);
        }
      }
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      this.closeCode = code;
      resolve(code);
    }));
  }

  /** `ca`: the authorities to trust for a wss:// url, as PEM. */
  static async connect(url: string, userId: string, options: { token?: string; origin?: string; ca?: string } = {}): Promise<TestClient> {
    const token = options.token ?? mintDevToken({ secret: JWT_SECRET, userId });
    const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`, {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const client = new TestClient(userId, ws);
    const welcome = client.waitFor((f) => f.type === 'welcome', 10_000);
    // A connection that fails to open is reported below; its welcome never comes.
    welcome.catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
    });
    await welcome;
    return client;
  }

  get events(): ClientEvent[] {
    return this.frames.filter((f): f is Frame & { type: 'event'; event: ClientEvent } => f.type === 'event').map((f) => f.event);
  }

  eventsIn(conversationId: string, kind?: ClientEvent['kind']): ClientEvent[] {
    return this.events.filter((e) => e.conversationId === conversationId && (kind === undefined || e.kind === kind));
  }

  waitFor(match: (f: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
    const existing = this.frames.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (f: Frame) => (clearTimeout(timer), resolve(f)) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.userId}: no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-3))}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits until `count` events of a conversation (optionally of one kind) have arrived. */
  async waitForEvents(conversationId: string, count: number, kind?: ClientEvent['kind'], timeoutMs = 30_000): Promise<ClientEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.eventsIn(conversationId, kind).length < count) {
      if (Date.now() > deadline) {
        throw new Error(`${this.userId}: ${this.eventsIn(conversationId, kind).length} of ${count} events in ${conversationId} after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.eventsIn(conversationId, kind);
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Sends a request and resolves with its reply (ok or error). */
  async request(frame: Record<string, unknown>, timeoutMs = 20_000): Promise<Frame> {
    const id = `${this.userId}-${++this.nextId}`;
    const reply = this.waitFor((f) => (f.type === 'ok' || f.type === 'error') && f.id === id, timeoutMs);
    this.ws.send(JSON.stringify({ ...frame, id }));
    return reply;
  }

  /** Sends a request that must succeed, and returns its result. */
  async ok(frame: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    const reply = await this.request(frame, timeoutMs);
    if (reply.type !== 'ok') throw new Error(`${this.userId}: ${String(frame.type)} failed: ${JSON.stringify(reply)}`);
    return reply.result as Record<string, unknown>;
  }

  close(): Promise<number> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }

  terminate(): void {
    this.ws.terminate();
  }
}
