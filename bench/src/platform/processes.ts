import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  readonly pid: number;
  /** The last lines it wrote, for error messages. */
  output: string[];
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/** Every process started here and not yet exited, so that an interrupted run leaves nothing behind. */
const running = new Set<ChildProcess>();

export function killAllSpawned(): void {
  for (const child of running) child.kill('SIGKILL');
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Raise the open-files limit to this (as far as the hard limit allows) before exec. */
  openFiles?: number;
  nodeArgs?: string[];
  /** Echo output to stderr with a prefix. */
  echo?: boolean;
  ipc?: boolean;
}

/**
 * Starts a Node script as its own process. With `openFiles`, a shell raises the limit and then
 * execs Node, so the pid is Node's: `ulimit -n N`, or the hard limit when N is above it.
 */
export function spawnNode(name: string, script: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  const nodeArgv = [...(options.nodeArgs ?? []), script, ...args];
  const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', 'pipe', 'pipe'];
  if (options.ipc) stdio.push('ipc');
  const env = { ...process.env, ...options.env };
  const child =
    options.openFiles !== undefined
      ? spawn('/bin/sh', ['-c', `ulimit -n ${options.openFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`, process.execPath, ...nodeArgv], { env, stdio })
      : spawn(process.execPath, nodeArgv, { env, stdio });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 100) output.shift();
    if (options.echo) process.stderr.write(text.replace(/^(?=.)/gm, `[${name}] `));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    name,
    child,
    get pid() {
      return child.pid ?? -1;
    },
    output,
    stop: (signal = 'SIGTERM', timeoutMs = 20_000) => stopChild(child, signal, timeoutMs),
  };
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Polls an HTTP URL until it answers 2xx; fails early when the process exits. */
export async function waitHttpOk(url: string, proc: ManagedProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready:\n${proc.output.join('')}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${proc.name} was not ready within ${timeoutMs} ms:\n${proc.output.join('')}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
