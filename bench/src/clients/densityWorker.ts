/**
 * A load-generator process for idle connections: raw TCP sockets that do the WebSocket upgrade by
 * hand, wait for the server's first frame, then only answer pings. A `ws` client object per
 * connection would cost the generator more memory than the server it measures. Source addresses
 * rotate over 127.0.0.x so that 100k connections do not run out of ephemeral ports.
 *
 * Driven over IPC by the density scenario: {start}, then {report} and {stop}.
 */
import { connect, type Socket } from 'node:net';
import { mintDevToken } from '@switchboard/auth';

export type Dialect = 'switchboard' | 'socketio';

export interface DensityWorkerConfig {
  host: string;
  port: number;
  dialect: Dialect;
  secret: string;
  userPrefix: string;
  firstIndex: number;
  count: number;
  localAddresses: string[];
  concurrency: number;
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A masked client frame. */
export function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const long = payload.length >= 126;
  const header = Buffer.alloc(long ? 8 : 6);
  header[0] = 0x80 | opcode;
  if (long) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
    mask.copy(header, 4);
  } else {
    header[1] = 0x80 | payload.length;
    mask.copy(header, 2);
  }
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, body]);
}

export interface WorkerCounts {
  connected: number;
  failed: number;
  /** Connections that were established and closed since. */
  dropped: number;
  attempted: number;
  firstFailure?: string;
}

export function runDensityWorker(config: DensityWorkerConfig, counts: WorkerCounts, sockets: Socket[]): Promise<void> {
  let next = 0;

  function open(index: number): Promise<void> {
    return new Promise((resolve) => {
      const userId = `${config.userPrefix}${index}`;
      const token = mintDevToken({ secret: config.secret, userId, ttlSec: 4 * 3600 });
      const path = config.dialect === 'socketio' ? '/socket.io/?EIO=4&transport=websocket' : `/v1?access_token=${token}`;
      const localAddress = config.localAddresses[index % config.localAddresses.length]!;
      const socket = connect({ host: config.host, port: config.port, localAddress });
      sockets.push(socket);
      let buffer: Buffer | undefined;
      let upgraded = false;
      let settled = false;
      let established = false;
      const settle = (ok: boolean, why?: string) => {
        if (settled) return;
        settled = true;
        if (ok) {
          established = true;
          counts.connected++;
        } else {
          counts.failed++;
          counts.firstFailure ??= why;
          socket.destroy();
        }
        resolve();
      };
      const text = (payload: Buffer) => socket.write(clientFrame(0x1, payload));
      const onFrame = (opcode: number, payload: Buffer) => {
        if (opcode === 0x9) socket.write(clientFrame(0xa, payload));
        else if (opcode === 0x8) socket.end();
        else if (opcode === 0x1) {
          const message = payload.toString();
          if (config.dialect === 'socketio') {
            if (message.startsWith('0{')) text(Buffer.from(`40${JSON.stringify({ token })}`));
            else if (message.startsWith('40')) settle(true);
            else if (message.startsWith('44')) settle(false, message);
            else if (message === '2') text(Buffer.from('3'));
          } else if (message.startsWith('{"type":"welcome"')) settle(true);
        }
      };
      socket.setTimeout(30_000, () => settle(false, 'timeout'));
      socket.on('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${config.host}:${config.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: Buffer) => {
        buffer = buffer ? Buffer.concat([buffer, chunk]) : chunk;
        if (!upgraded) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffer.subarray(0, end).toString();
          if (!head.startsWith('HTTP/1.1 101')) return settle(false, head.split('\r\n')[0]);
          upgraded = true;
          socket.setTimeout(0);
          buffer = buffer.subarray(end + 4);
        }
        while (buffer && buffer.length >= 2) {
          let length: number = buffer[1]! & 0x7f;
          let offset = 2;
          if (length === 126) {
            if (buffer.length < 4) break;
            length = buffer.readUInt16BE(2);
            offset = 4;
          } else if (length === 127) {
            if (buffer.length < 10) break;
            length = Number(buffer.readBigUInt64BE(2));
            offset = 10;
          }
          if (buffer.length < offset + length) break;
          const opcode = buffer[0]! & 0x0f;
          const payload = buffer.subarray(offset, offset + length);
          buffer = buffer.length === offset + length ? undefined : Buffer.from(buffer.subarray(offset + length));
          onFrame(opcode, payload);
        }
      });
      socket.on('error', (err) => settle(false, err.message));
      socket.on('close', () => {
        if (established) counts.dropped++;
        settle(false, 'closed');
      });
    });
  }

  const lane = async () => {
    while (next < config.count) {
      const index = config.firstIndex + next++;
      counts.attempted++;
      await open(index);
    }
  };
  return Promise.all(Array.from({ length: config.concurrency }, lane)).then(() => undefined);
}

if (require.main === module) {
  const counts: WorkerCounts = { connected: 0, failed: 0, dropped: 0, attempted: 0 };
  const sockets: Socket[] = [];
  const send = (message: unknown) => process.send?.(message);
  process.on('message', (message: { cmd: string; config?: DensityWorkerConfig }) => {
    if (message.cmd === 'start' && message.config) {
      const progress = setInterval(() => send({ type: 'progress', counts }), 500);
      void runDensityWorker(message.config, counts, sockets).then(() => {
        clearInterval(progress);
        send({ type: 'done', counts });
      });
    } else if (message.cmd === 'report') {
      send({ type: 'report', counts });
    } else if (message.cmd === 'stop') {
      for (const s of sockets) s.destroy();
      send({ type: 'stopped', counts });
      setTimeout(() => process.exit(0), 100);
    }
  });
  process.on('disconnect', () => process.exit(0));
}
