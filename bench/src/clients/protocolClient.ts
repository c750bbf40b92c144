import WebSocket from 'ws';
import { noDelivery, noReply, type LoadClient } from './loadClient';

const EVENT_PREFIX = '{"type":"event"';
const BODY_KEY = '"body":"';

/** Finds a message body in an event frame without parsing it: bodies here never contain quotes or escapes. */
export function bodyOfEventFrame(text: string): string | undefined {
  if (!text.startsWith(EVENT_PREFIX)) return undefined;
  const at = text.indexOf(BODY_KEY);
  if (at < 0) return undefined;
  const end = text.indexOf('"', at + BODY_KEY.length);
  return end < 0 ? undefined : text.slice(at + BODY_KEY.length, end);
}

/**
 * A client of the Switchboard protocol (JSON frames over a plain WebSocket), also spoken by the
 * uWebSockets.js relay. Requests that a scenario awaits (sync, group.create) get their own ids;
 * sends are reported through onReply with the scenario's request ids.
 */
export class ProtocolClient implements LoadClient {
  onDelivery = noDelivery;
  onReply = noReply;
  private readonly awaited = new Map<string, { resolve: (frame: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  private nextId = 0;
  /** Close code and reason, once the connection closed. */
  closedWith: string | undefined;
  /** The last socket error, which is what ends a connection with 1006. */
  lastError: string | undefined;

  private constructor(
    readonly userId: string,
    private readonly ws: WebSocket,
  ) {}

  static connect(url: string, userId: string, token: string, timeoutMs = 20_000): Promise<ProtocolClient> {
    const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
    const client = new ProtocolClient(userId, ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`${userId}: no welcome within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`${userId}: upgrade refused with HTTP ${res.statusCode}`));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith('{"type":"welcome"')) {
          clearTimeout(timer);
          resolve(client);
          return;
        }
        client.handle(text);
      });
      ws.on('error', (err) => (client.lastError = err.message));
      ws.on('close', (code: number, reason: Buffer) => {
        client.closedWith = `${code} ${reason.toString() || '(no reason)'}${client.lastError ? `, after the error: ${client.lastError}` : ''}`;
        clearTimeout(timer);
        reject(new Error(`${userId}: connection closed before the welcome (${client.closedWith})`));
        for (const w of client.awaited.values()) w.reject(new Error(`${userId}: connection closed (${client.closedWith})`));
        client.awaited.clear();
      });
    });
  }

  private handle(text: string): void {
    const body = bodyOfEventFrame(text);
    if (body !== undefined) {
      this.onDelivery(body);
      return;
    }
    if (text.startsWith(EVENT_PREFIX)) return;
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (frame.type !== 'ok' && frame.type !== 'error') return;
    const id = String(frame.id);
    const waiter = this.awaited.get(id);
    if (waiter) {
      this.awaited.delete(id);
      if (frame.type === 'ok') waiter.resolve(frame);
      else waiter.reject(new Error(`${this.userId}: request failed: ${text}`));
      return;
    }
    this.onReply(id, frame.type === 'ok', typeof frame.code === 'string' ? frame.code : undefined);
  }

  private request(frame: Record<string, unknown>, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const id = `q${++this.nextId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.awaited.delete(id);
        const state = this.closedWith ? `; the connection closed (${this.closedWith})` : `; socket state ${this.ws.readyState}`;
        reject(new Error(`${this.userId}: no answer to ${String(frame.type)} within ${timeoutMs} ms${state}`));
      }, timeoutMs);
      this.awaited.set(id, {
        resolve: (f) => (clearTimeout(timer), resolve(f)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.ws.send(JSON.stringify({ ...frame, id }));
    });
  }

  sendDirect(to: string, body: string, requestId: string): void {
    this.ws.send(`{"type":"send","id":"${requestId}","to":"${to}","clientMsgId":"c${requestId}","body":"${body}"}`);
  }

  sendToConversation(conversationId: string, body: string, requestId: string): void {
    this.ws.send(`{"type":"send","id":"${requestId}","conversationId":"${conversationId}","clientMsgId":"c${requestId}","body":"${body}"}`);
  }

  async createGroup(name: string, members: readonly string[]): Promise<string> {
    const reply = await this.request({ type: 'group.create', name, members });
    return String((reply.result as { conversationId: string }).conversationId);
  }

  async ready(): Promise<void> {
    try {
      await this.request({ type: 'sync', cursors: {} }, 10_000);
    } catch (err) {
      // Seen on a freshly started gateway: one of the first syncs is never answered. The bench
      // says so and asks again rather than failing the scenario.
      if (!this.isOpen) throw err;
      process.stderr.write(`bench: ${(err as Error).message}; sending the sync again\n`);
      await this.request({ type: 'sync', cursors: {} }, 30_000);
    }
  }

  /** A sync with cursors, resolved with its reply (for the resume scenario). */
  async sync(cursors: Record<string, number>, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    return this.request({ type: 'sync', cursors }, timeoutMs);
  }

  /** Every text frame, for scenarios that need more than message bodies. */
  onFrame(listener: (text: string) => void): void {
    this.ws.on('message', (data: Buffer) => listener(data.toString()));
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 3_000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000);
    });
  }
}
