import { isLocalHost } from '../localHost';

export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  readonly isLocal: boolean;
  readonly display: string;
}

export function redisTarget(redisUrl: string): RedisTarget {
  const url = new URL(redisUrl);
  const host = url.hostname === '' ? '127.0.0.1' : url.hostname;
  const port = url.port === '' ? 6379 : Number(url.port);
  return { host, port, isLocal: isLocalHost(host), display: `${host}:${port}` };
}
