import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { childExited, killChild } from './childProcesses';
import { StopWaiting, waitUntil } from './waiting';

export interface ServerProcessSpec {
  /** Names the server in errors, e.g. "private redis-server on port 6390". */
  name: string;
  command: string;
  args: readonly string[];
  /** The user to run as, where the server refuses root. */
  user?: { uid: number; gid: number };
  /** True once the server takes requests. */
  answers(): Promise<boolean>;
  readyTimeoutMs: number;
  /** How `stop()` without a signal, and `cleanUp()`, end the process. */
  stopSignal: NodeJS.Signals;
  /** Removed by `cleanUp()`. */
  dir: string;
}

/** A dependency server run by a test, which the test may stop (as a crash would) and start again. */
export interface RestartableServer {
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  cleanUp(): Promise<void>;
}

/** Starts the server and waits until it answers; it is killed if the test process exits first. */
export async function startRestartableServer(spec: ServerProcessSpec): Promise<RestartableServer> {
  let child: ChildProcess | undefined;
  const output: string[] = [];

  async function start(): Promise<void> {
    if (child && !childExited(child)) return;
    const started = spawn(spec.command, [...spec.args], { stdio: ['ignore', 'pipe', 'pipe'], ...(spec.user ?? {}) });
    child = started;
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    await waitUntil(`${spec.name} answers`, spec.readyTimeoutMs, async () => {
      if (childExited(started)) throw new StopWaiting(`${spec.name} exited:\n${output.join('')}`);
      return spec.answers();
    });
  }

  const killServer = () => void child?.kill('SIGKILL');
  process.once('exit', killServer);
  await start();
  return {
    async stop(signal = spec.stopSignal) {
      if (child) await killChild(child, signal);
    },
    start,
    async cleanUp() {
      process.removeListener('exit', killServer);
      if (child) await killChild(child, spec.stopSignal);
      rmSync(spec.dir, { recursive: true, force: true });
    },
  };
}
