import { readFileSync } from 'node:fs';

/** What /proc says about a process: its command line (arguments joined by spaces) and state letter. */
export interface ProcInfo {
  readonly cmdline: string;
  /** R, S, D, Z (zombie), X (dead), … as in /proc/<pid>/stat. */
  readonly state: string;
}

export type ProcReader = (pid: number) => ProcInfo | undefined;

/** Reads /proc/<pid>; undefined when there is no such process. */
export const readProc: ProcReader = (pid) => {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '').join(' ');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself contain spaces or parentheses; the state follows the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return { cmdline, state };
  } catch {
    return undefined;
  }
};
