import { sleep } from './sleep';

export interface StopOptions {
  /** True while the process is still the one to stop. */
  readonly isRunning: () => boolean;
  readonly kill: (signal: NodeJS.Signals) => void;
  /** How long to wait after SIGTERM before SIGKILL. */
  readonly graceMs: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface StopResult {
  readonly stopped: boolean;
  /** SIGTERM was not enough within the grace period. */
  readonly forced: boolean;
}

/** Asks a process to stop with SIGTERM and, if it is still running after the grace period, kills it. */
export async function stopProcess(options: StopOptions): Promise<StopResult> {
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  const poll = options.pollMs ?? 200;
  if (!options.isRunning()) return { stopped: true, forced: false };

  options.kill('SIGTERM');
  if (await waitUntilStopped(options.isRunning, now() + options.graceMs, poll, wait, now)) {
    return { stopped: true, forced: false };
  }
  options.kill('SIGKILL');
  const stopped = await waitUntilStopped(options.isRunning, now() + 10_000, poll, wait, now);
  return { stopped, forced: true };
}

async function waitUntilStopped(
  isRunning: () => boolean,
  deadline: number,
  poll: number,
  wait: (ms: number) => Promise<void>,
  now: () => number,
): Promise<boolean> {
  while (isRunning()) {
    if (now() >= deadline) return false;
    await wait(poll);
  }
  return true;
}

/** Sends a signal, treating "no such process" as already done. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
