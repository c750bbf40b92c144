import { SwitchboardError, type ErrorCode } from './errors';

/** How a socket ended, as far as the client can tell. */
export type LinkEnd =
  /** The server (or the network) closed it: the WebSocket close code and reason. */
  | { kind: 'closed'; code: number; reason: string }
  /** The upgrade was answered with an HTTP error (known in Node, where `ws` reports the status). */
  | { kind: 'refused'; status: number }
  /** The client gave up on it: no welcome in time, or no answer to a heartbeat. */
  | { kind: 'dropped'; why: string };

export type Decision =
  | { action: 'reconnect'; at: 'once' | 'backoff'; unauthorized: boolean }
  | { action: 'stop'; error: SwitchboardError };

const STOP_ON_CLOSE: Record<number, ErrorCode> = {
  1003: 'binary_not_supported',
  1009: 'frame_too_large',
  4002: 'unsupported_version',
  4008: 'too_many_sessions',
};

const STOP_ON_STATUS: Record<number, ErrorCode> = {
  403: 'origin_not_allowed',
  429: 'too_many_sessions',
};

const reconnect = (at: 'once' | 'backoff', unauthorized = false): Decision => ({ action: 'reconnect', at, unauthorized });

/**
 * The close-code policy (docs/client.md): 1001 going_away and 4001 unauthorized reconnect at once
 * (4001 with a fresh token); 1003, 1009, 4002 and 4008, and upgrades refused with 403 or 429, stop
 * the client with a typed error because reconnecting cannot help; everything else (1000, 1006,
 * 1011, 4009 slow_consumer, 4010 idle_timeout, 4011 resync_required, 4012 unavailable, other HTTP answers, dropped
 * sockets) reconnects
 * after a backoff delay.
 */
export function decideAfter(end: LinkEnd): Decision {
  switch (end.kind) {
    case 'closed': {
      const stop = STOP_ON_CLOSE[end.code];
      if (stop) return { action: 'stop', error: new SwitchboardError(stop, `the gateway closed the connection with ${end.code} ${end.reason || stop}`) };
      if (end.code === 1001) return reconnect('once');
      if (end.code === 4001) return reconnect('once', true);
      return reconnect('backoff');
    }
    case 'refused': {
      const stop = STOP_ON_STATUS[end.status];
      if (stop) return { action: 'stop', error: new SwitchboardError(stop, `the gateway refused the connection with HTTP ${end.status}`) };
      return reconnect('backoff', end.status === 401);
    }
    case 'dropped':
      return reconnect('backoff');
  }
}

/** The HTTP status of a refused upgrade, from the message `ws` gives its error event. */
export function refusedStatus(message: unknown): number | undefined {
  if (typeof message !== 'string') return undefined;
  const match = /Unexpected server response: (\d{3})/.exec(message);
  return match ? Number(match[1]) : undefined;
}
