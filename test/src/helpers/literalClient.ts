import WebSocket from 'ws';
import { mintDevToken } from '@switchboard/auth';
import type { ClientEvent } from '@switchboard/protocol';
import { JWT_SECRET } from './platform';
import { sleep } from './waiting';

/**
 * How a client reads after each (re)connect:
 * - `literal` follows docs/protocol.md's rule to the letter: sync first with the last seq it holds
 *   of each conversation, sync again after a retriable error, take any event above its cursor and
 *   drop the rest, reconnect (to the next gateway) after every retriable close;
 * - `once` syncs once as its first frame after a reconnect, whatever the answer, and then only
 *   reads; a close ends it.
 */
export type ReadingMode = 'literal' | 'once';

/** A pushed event that skipped past the one after the client's cursor: a hole the gateway let through. */
export interface HoleViolation {
  conversationId: string;
  held: number;
  pushed: number;
  gatewayId: string;
}

const RETRIABLE_CLOSES = new Set([1001, 1006, 4009, 4010, 4011]);

/**
 * A reading device written from docs/protocol.md alone. It checks every event frame it gets: an
 * event whose seq is more than one past its cursor is recorded as a violation (and, being literal,
 * taken all the same, so a hole would stay for good).
 */
export class LiteralClient {
  readonly label: string;
  /** Per conversation, the seqs taken, in the order taken. */
  readonly taken = new Map<string, number[]>();
  readonly violations: HoleViolation[] = [];
  /** Events dropped because their seq was not above the cursor (allowed, counted for the report). */
  repeats = 0;
  readonly syncAnswers: string[] = [];
  readonly closeCodes: number[] = [];
  readonly gatewaysUsed: string[] = [];
  /** For `once`: the connection ended and the client stopped reading. */
  ended = false;
  private ws: WebSocket | undefined;
  private next: number;
  private stopped = false;
  private requestCounter = 0;
  private gatewayId = '';

  constructor(
    private readonly options: { userId: string; urls: readonly string[]; home: number; mode: ReadingMode; label?: string },
  ) {
    this.label = options.label ?? options.userId;
    this.next = options.home;
  }

  get mode(): ReadingMode {
    return this.options.mode;
  }

  cursor(conversationId: string): number {
    return this.taken.get(conversationId)?.at(-1) ?? 0;
  }

  /** Connects to the current gateway and resolves after its welcome. */
  async connect(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.stopped) return;
      try {
        await this.open(this.options.urls[this.next % this.options.urls.length]!);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`${this.label}: no connection within 60 s: ${(err as Error).message}`);
        this.next += 1;
        await sleep(200);
      }
    }
  }

  /** Closes normally and, `awayMs` later, connects to the other gateway, as a device that changed networks. */
  async moveToNextGateway(awayMs = 0): Promise<void> {
    this.next += 1;
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState === WebSocket.OPEN) {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(1000);
      await closed;
    }
    await sleep(awayMs);
    this.ended = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(1000);
      await closed;
    }
  }

  private open(url: string): Promise<void> {
    const token = mintDevToken({ secret: JWT_SECRET, userId: this.options.userId });
    const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`);
    ws.on('error', () => undefined);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no welcome from ${url} within 5 s`));
      }, 5_000);
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`upgrade at ${url} refused with HTTP ${res.statusCode}`));
      });
      let welcomed = false;
      ws.on('close', (code) => {
        clearTimeout(timer);
        if (!welcomed) return reject(new Error(`${url} closed (${code}) before its welcome`));
        this.closed(ws, code);
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        if (frame.type === 'welcome') {
          welcomed = true;
          clearTimeout(timer);
          this.ws = ws;
          this.gatewayId = String(frame.gatewayId);
          this.gatewaysUsed.push(this.gatewayId);
          this.sync(ws);
          resolve();
          return;
        }
        this.onFrame(ws, frame);
      });
    });
  }

  private sync(ws: WebSocket): void {
    const cursors: Record<string, number> = {};
    for (const conversationId of this.taken.keys()) cursors[conversationId] = this.cursor(conversationId);
    ws.send(JSON.stringify({ type: 'sync', id: `${this.label}-sync-${++this.requestCounter}`, cursors }));
  }

  private onFrame(ws: WebSocket, frame: Record<string, unknown>): void {
    if (frame.type === 'event') return this.onEvent((frame as { event: ClientEvent }).event);
    if (typeof frame.id !== 'string' || !frame.id.startsWith(`${this.label}-sync-`)) return;
    if (frame.type === 'ok') {
      this.syncAnswers.push('ok');
      return;
    }
    this.syncAnswers.push(String(frame.code));
    if (this.options.mode === 'literal' && frame.retriable === true) {
      setTimeout(() => {
        if (!this.stopped && this.ws === ws && ws.readyState === WebSocket.OPEN) this.sync(ws);
      }, 1_000).unref();
    }
  }

  private onEvent(event: ClientEvent): void {
    if (event.seq === null) return;
    const held = this.cursor(event.conversationId);
    if (event.seq <= held) {
      this.repeats += 1;
      return;
    }
    if (event.seq > held + 1) this.violations.push({ conversationId: event.conversationId, held, pushed: event.seq, gatewayId: this.gatewayId });
    let list = this.taken.get(event.conversationId);
    if (!list) this.taken.set(event.conversationId, (list = []));
    list.push(event.seq);
  }

  private closed(ws: WebSocket, code: number): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    this.closeCodes.push(code);
    if (this.stopped) return;
    if (this.options.mode === 'once') {
      this.ended = true;
      return;
    }
    if (!RETRIABLE_CLOSES.has(code)) return;
    this.next += 1;
    void sleep(100 + Math.random() * 400).then(() => this.connect().catch(() => undefined));
  }
}
