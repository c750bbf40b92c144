import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { Frame } from './edgeClient';

/**
 * A WebSocket client on a bare TCP socket, for a client that stops reading: pause() stops reading
 * the socket and nothing (no library's own flow control) reads it behind the test's back.
 * Server frames are parsed as they come; pings are answered.
 */
export class RawWebSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private buffer = Buffer.alloc(0);
  private closeFrame: { code: number; reason: string } | undefined;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve(this.closeFrame ?? { code: 1006, reason: '' })));
  }

  /** Upgrades at `url` (ws://host:port/path?query) and resolves once the welcome frame arrived. */
  static open(url: string): Promise<RawWebSocket> {
    const target = new URL(url);
    const socket = connect(Number(target.port), target.hostname);
    const client = new RawWebSocket(socket);
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onHead);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) return reject(new Error(`upgrade refused: ${status}`));
        socket.on('data', (data: Buffer) => client.receive(data));
        client.receive(head.subarray(end + 4));
        const wait = () => (client.frames.some((f) => f.type === 'welcome') ? resolve(client) : setTimeout(wait, 10));
        wait();
      };
      socket.on('data', onHead);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(
          `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  send(frame: Frame): void {
    this.write(0x1, Buffer.from(JSON.stringify(frame)));
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** A masked client frame, as the protocol requires. */
  private write(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x80 | opcode, 0x80 | length]) : Buffer.alloc(length < 65_536 ? 4 : 10);
    if (length >= 126) {
      header[0] = 0x80 | opcode;
      if (length < 65_536) {
        header[1] = 0x80 | 126;
        header.writeUInt16BE(length, 2);
      } else {
        header[1] = 0x80 | 127;
        header.writeBigUInt64BE(BigInt(length), 2);
      }
    }
    const mask = randomBytes(4);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
    if (!this.socket.destroyed) this.socket.write(Buffer.concat([header, mask, masked]));
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x1) this.frames.push(JSON.parse(payload.toString('utf8')) as Frame);
      else if (opcode === 0x9) this.write(0xa, Buffer.from(payload));
      else if (opcode === 0x8) {
        this.closeFrame = { code: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString('utf8') };
        this.write(0x8, Buffer.from(payload.subarray(0, 2)));
        this.socket.end();
      }
    }
  }
}
