import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ProcReader } from './procInfo';

export type PidStatus =
  | { readonly state: 'absent' }
  | { readonly state: 'running'; readonly pid: number }
  /** The file names a process that exited, or a pid now used by another program. */
  | { readonly state: 'stale'; readonly pid: number | undefined; readonly reason: string };

export interface PidCheck {
  /** Every one of these must appear in the process's command line for it to count as ours. */
  readonly markers: readonly string[];
  readonly readProc: ProcReader;
  readonly readText: (path: string) => string | undefined;
}

/** Decides whether the process a pid file names is still the program that wrote it. */
export function checkPidFile(pidFile: string, check: PidCheck): PidStatus {
  const text = check.readText(pidFile);
  if (text === undefined) return { state: 'absent' };
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) <= 0) {
    return { state: 'stale', pid: undefined, reason: `pid file holds "${trimmed.slice(0, 20)}", not a process id` };
  }
  const pid = Number(trimmed);
  return processStatus(pid, check);
}

/** Whether `pid` is a live (not zombie) process whose command line carries all markers. */
export function processStatus(pid: number, check: Pick<PidCheck, 'markers' | 'readProc'>): PidStatus {
  const info = check.readProc(pid);
  if (info === undefined) return { state: 'stale', pid, reason: `process ${pid} has exited` };
  if (info.state === 'Z' || info.state === 'X') return { state: 'stale', pid, reason: `process ${pid} has exited` };
  const missing = check.markers.filter((marker) => !info.cmdline.includes(marker));
  if (missing.length > 0) return { state: 'stale', pid, reason: `pid ${pid} now belongs to another program` };
  return { state: 'running', pid };
}

export function readTextIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function writePidFile(path: string, pid: number): void {
  writeFileSync(path, `${pid}\n`);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}
