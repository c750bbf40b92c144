import { connect } from 'node:net';

const PROBE_TIMEOUT_MS = 3_000;

/**
 * Whether something accepts TCP connections at host:port: true, or why not (ECONNREFUSED, a
 * timeout). Clients that retry for a long time are asked only once this says yes, so a command
 * typed against a stopped service fails at once with a reason.
 */
export function probeTcp(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.replace(/^\[(.*)\]$/, '$1'), port });
    const done = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(true));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}
