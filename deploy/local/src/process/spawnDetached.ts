import { closeSync, openSync } from 'node:fs';
import { spawn } from 'node:child_process';

/**
 * Starts a long-running program in its own process group, its output appended to a log file,
 * so it outlives the command that started it. Resolves with its pid once it has been spawned.
 */
export function spawnDetached(command: string, args: readonly string[], options: { logFile: string; cwd: string }): Promise<number> {
  const log = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: options.cwd, detached: true, stdio: ['ignore', log, log] });
    return new Promise((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`cannot start ${command}: ${err.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid as number);
      });
    });
  } finally {
    closeSync(log);
  }
}
