import WebSocket from 'ws';
import { mintDevToken } from '@switchboard/auth';
import type { ClientEvent } from '@switchboard/protocol';
import { sleep } from './waiting';
import { JWT_SECRET } from './platform';

type Reply =
  | { type: 'ok'; id: string; result: Record<string, unknown> }
  | { type: 'error'; id: string | null; code: string; message: string; retriable: boolean };

/**
 * What one logical client holds of one conversation: the seqs it took, in order, gap-free. Both an
 * event and the answer to the client's own send can stand for a seq; an answer to a retried send
 * may come before that message's event (the router answers it from its memory), so an event after
 * such an answer is expected and is not a repeat. An event pushed twice is.
 */
export class Timeline {
  last = 0;
  readonly accepted: number[] = [];
  /** Events pushed again after the client already had them as events. */
  readonly duplicates: number[] = [];
  /** Events that skipped ahead of `last`; the client did not take them and synced instead. */
  jumps = 0;
  private readonly events = new Set<number>();

  /** A pushed event: taken when it is the next one; a jump asks for a sync. */
  offerEvent(seq: number): 'accepted' | 'known' | 'jump' {
    if (seq > this.last + 1) {
      this.jumps += 1;
      return 'jump';
    }
    if (this.events.has(seq)) this.duplicates.push(seq);
    this.events.add(seq);
    return seq === this.last + 1 ? this.accept(seq) : 'known';
  }

  /** The answer to the client's own send: taken when it is the next seq. */
  offerAck(seq: number): 'accepted' | 'known' | 'jump' {
    if (seq === this.last + 1) return this.accept(seq);
    return seq > this.last + 1 ? 'jump' : 'known';
  }

  private accept(seq: number): 'accepted' {
    this.last = seq;
    this.accepted.push(seq);
    return 'accepted';
  }
}

class ConnectionClosed extends Error {}

/** One WebSocket of a roaming client. */
class Connection {
  readonly pending = new Map<string, { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  readonly closed: Promise<number>;
  firstFrameType: string | undefined;
  closeCode: number | undefined;
  syncing = false;
  syncWanted = false;
  private nextId = 0;

  constructor(readonly ws: WebSocket, readonly url: string, readonly label: string) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new ConnectionClosed(`${label}: connection closed (${code}) before the answer to ${id}`));
        }
        this.pending.clear();
        resolve(code);
      }),
    );
    ws.on('error', () => undefined);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends at once (synchronously) and resolves with the reply; rejects when the socket closes or nothing comes in time. */
  request(frame: Record<string, unknown>, timeoutMs: number): Promise<Reply> {
    if (!this.open) return Promise.reject(new ConnectionClosed(`${this.label}: not connected`));
    const id = `${this.label}-${++this.nextId}`;
    this.firstFrameType ??= String(frame.type);
    const reply = new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: no answer to ${String(frame.type)} ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    this.ws.send(JSON.stringify({ ...frame, id }));
    return reply;
  }

  answer(reply: Reply): boolean {
    const entry = reply.id === null ? undefined : this.pending.get(reply.id);
    if (!entry || reply.id === null) return false;
    clearTimeout(entry.timer);
    this.pending.delete(reply.id);
    entry.resolve(reply);
    return true;
  }
}

export interface RoamingClientOptions {
  userId: string;
  /** Gateways' WebSocket URLs; the client starts at `home` and moves to the next one when dropped. */
  urls: readonly string[];
  home: number;
  /** A name for messages; defaults to the user id. */
  label?: string;
  /** How long the client waits for any reply before it asks again (the gateway answers `timeout` sooner). */
  requestTimeoutMs?: number;
  /** How long the client keeps trying to get connected before it gives up (a problem the test reports). */
  reconnectDeadlineMs?: number;
}

export type SendTarget = { to: string } | { conversationId: string };

/**
 * A client as a real one behaves: it reconnects when dropped, to the next gateway, and sends `sync`
 * with its cursors as the first frame of every connection; it retries a send with the same client id
 * until it is acknowledged; it takes events in order and syncs when one skips ahead. Everything it
 * sees is recorded for the test to check.
 */
export class RoamingClient {
  readonly userId: string;
  readonly label: string;
  /** The gateway (index into the URLs) the client starts on. */
  readonly home: number;
  readonly timelines = new Map<string, Timeline>();
  /** clientMsgId -> the ack's conversation and seq. */
  readonly acks = new Map<string, { conversationId: string; seq: number }>();
  /** Problems that make the run fail: differing acks for one client id, non-retriable errors, no connection. */
  readonly problems: string[] = [];
  /** Error codes the client was answered with, and how often. */
  readonly errors = new Map<string, number>();
  readonly closeCodes: number[] = [];
  /** The type of the first frame sent on each connection. */
  readonly firstFrames: string[] = [];
  readonly gatewaysUsed: string[] = [];
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private next: number;
  private stopped = false;
  private readonly requestTimeoutMs: number;
  private readonly reconnectDeadlineMs: number;

  constructor(private readonly options: RoamingClientOptions) {
    this.userId = options.userId;
    this.label = options.label ?? options.userId;
    this.home = options.home;
    this.next = options.home;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
    this.reconnectDeadlineMs = options.reconnectDeadlineMs ?? 90_000;
  }

  timeline(conversationId: string): Timeline {
    let timeline = this.timelines.get(conversationId);
    if (!timeline) this.timelines.set(conversationId, (timeline = new Timeline()));
    return timeline;
  }

  /** The current connection, or the one being opened. */
  connection(): Promise<Connection> {
    if (this.stopped) return Promise.reject(new Error(`${this.label} is stopped`));
    if (this.conn?.open) return Promise.resolve(this.conn);
    this.connecting ??= this.connectLoop().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Closes the connection normally and reconnects to gateway `index` (as a load balancer might move a client). */
  async moveTo(index: number): Promise<void> {
    this.next = index;
    const conn = this.conn;
    if (conn?.open) {
      conn.ws.close(1000);
      await conn.closed;
    }
    await this.connection();
  }

  /** Sends until acknowledged, with the same client id; returns the ack's seq. */
  async send(target: SendTarget, clientMsgId: string, body: string): Promise<number> {
    const deadline = Date.now() + 180_000;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline) throw new Error(`${this.label}: ${clientMsgId} not acknowledged within 180 s`);
      let conn: Connection;
      try {
        conn = await this.connection();
      } catch (err) {
        throw new Error(`${this.label}: cannot send ${clientMsgId}: ${(err as Error).message}`);
      }
      let reply: Reply;
      try {
        reply = await conn.request({ type: 'send', ...target, clientMsgId, body }, this.requestTimeoutMs);
      } catch (err) {
        if (!(err instanceof ConnectionClosed)) this.count('client_timeout');
        await sleep(50);
        continue;
      }
      if (reply.type === 'ok') return this.recordAck(clientMsgId, reply.result);
      this.count(reply.code);
      if (!reply.retriable) {
        this.problems.push(`${this.label}: send ${clientMsgId} refused: ${reply.code} ${reply.message}`);
        throw new Error(`${this.label}: send ${clientMsgId} refused: ${reply.code} ${reply.message}`);
      }
      await sleep(Math.min(1_000, 100 * (attempt + 1)));
    }
  }

  /** Any other request, once, on the current connection. */
  async request(frame: Record<string, unknown>): Promise<Reply> {
    const conn = await this.connection();
    return conn.request(frame, this.requestTimeoutMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const conn = this.conn;
    if (conn?.open) {
      conn.ws.close(1000);
      await conn.closed;
    }
  }

  private recordAck(clientMsgId: string, result: Record<string, unknown>): number {
    const seq = result.seq as number;
    const conversationId = result.conversationId as string;
    const earlier = this.acks.get(clientMsgId);
    if (earlier && (earlier.seq !== seq || earlier.conversationId !== conversationId)) {
      this.problems.push(`${this.label}: ${clientMsgId} acknowledged as ${earlier.conversationId}#${earlier.seq} and as ${conversationId}#${seq}`);
    }
    this.acks.set(clientMsgId, { conversationId, seq });
    return seq;
  }

  private count(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  private async connectLoop(): Promise<Connection> {
    const deadline = Date.now() + this.reconnectDeadlineMs;
    let lastProblem = '';
    for (;;) {
      if (this.stopped) throw new Error(`${this.label} is stopped`);
      if (Date.now() > deadline) {
        const problem = `${this.label}: could not connect to any gateway within ${this.reconnectDeadlineMs} ms (${lastProblem})`;
        this.problems.push(problem);
        throw new Error(problem);
      }
      const url = this.options.urls[this.next % this.options.urls.length]!;
      try {
        const conn = await this.open(url);
        this.conn = conn;
        return conn;
      } catch (err) {
        lastProblem = (err as Error).message;
        this.next += 1;
        await sleep(200);
      }
    }
  }

  private open(url: string): Promise<Connection> {
    const token = mintDevToken({ secret: JWT_SECRET, userId: this.userId });
    const ws = new WebSocket(`${url}?access_token=${encodeURIComponent(token)}`);
    const conn = new Connection(ws, url, this.label);
    return new Promise<Connection>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`no welcome from ${url} within 5 s`));
      }, 5_000);
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error(`upgrade at ${url} refused with HTTP ${res.statusCode}`));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.once('close', () => {
        clearTimeout(timer);
        reject(new Error(`${url} closed before its welcome`));
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        if (frame.type === 'welcome') {
          clearTimeout(timer);
          this.gatewaysUsed.push(String(frame.gatewayId));
          this.sync(conn);
          this.firstFrames.push(conn.firstFrameType ?? 'none');
          void conn.closed.then((code) => this.dropped(conn, code));
          resolve(conn);
          return;
        }
        this.onFrame(conn, frame);
      });
    });
  }

  private dropped(conn: Connection, code: number): void {
    this.closeCodes.push(code);
    if (this.stopped || this.conn !== conn) return;
    // A normal close (1000) is the client's own doing (moveTo), which picks the next gateway itself.
    if (code !== 1000) this.next += 1;
    void this.connection().catch(() => undefined);
  }

  private onFrame(conn: Connection, frame: Record<string, unknown>): void {
    if (frame.type === 'event') {
      const event = frame.event as ClientEvent;
      if (event.seq === null) return;
      if (this.timeline(event.conversationId).offerEvent(event.seq) === 'jump') this.sync(conn);
      return;
    }
    if (frame.type === 'ok' || frame.type === 'error') {
      const reply = frame as Reply;
      // The ack must take its place in the timeline before any later frame is handled.
      if (reply.type === 'ok' && typeof reply.result?.seq === 'number' && typeof reply.result.conversationId === 'string' && reply.result.messageId !== undefined) {
        if (this.timeline(reply.result.conversationId).offerAck(reply.result.seq) === 'jump') this.sync(conn);
      }
      conn.answer(reply);
    }
  }

  /** Sends `sync` with the client's cursors (synchronously, so it can be a connection's first frame); one at a time, repeated while wanted. */
  private sync(conn: Connection): void {
    if (conn.syncing) {
      conn.syncWanted = true;
      return;
    }
    conn.syncing = true;
    conn.syncWanted = false;
    const cursors: Record<string, number> = {};
    for (const [conversationId, timeline] of this.timelines) cursors[conversationId] = timeline.last;
    conn
      .request({ type: 'sync', cursors }, this.requestTimeoutMs)
      .then(
        async (reply) => {
          if (reply.type === 'error') {
            this.count(`sync:${reply.code}`);
            conn.syncWanted = true;
            await sleep(300);
          }
        },
        () => undefined,
      )
      .finally(() => {
        conn.syncing = false;
        if (conn.syncWanted && conn.open && !this.stopped) this.sync(conn);
      });
  }
}
