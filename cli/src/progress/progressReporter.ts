import { renderProgress } from './renderProgress';

/** How progress is shown: a redrawn bar on a terminal, a line per tenth elsewhere, or nothing. */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** Totals from this size up get progress lines even when stderr is not a terminal. */
export const LARGE_TOTAL = 1000;

export function progressMode(options: { isTTY: boolean; total: number; disabled?: boolean }): ProgressMode {
  if (options.disabled || options.total <= 0) return 'off';
  if (options.isTTY) return 'bar';
  return options.total >= LARGE_TOTAL ? 'lines' : 'off';
}

export interface ProgressReporter {
  /** Sets how much is done; redraws when due. */
  update(done: number): void;
  /** Grows the total (a followed topic gets new records). */
  setTotal(total: number): void;
  /** Removes the bar (or prints the last line), so a summary can follow on a clean line. */
  finish(): void;
}

const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';

export function createProgressReporter(options: {
  stream: NodeJS.WritableStream;
  mode: ProgressMode;
  label: string;
  total: number;
  columns?: number;
  now?: () => number;
}): ProgressReporter {
  const { stream, mode, label } = options;
  const now = options.now ?? Date.now;
  const started = now();
  let total = options.total;
  let done = 0;
  let lastDraw = -Infinity;
  let lastTenth = 0;
  let drawn = false;

  // A terminal that reports no size (0 columns) gets the classic 80.
  const line = () => renderProgress({ label, done, total, elapsedMs: now() - started }, options.columns || 80);

  return {
    update(value) {
      done = value;
      if (mode === 'bar') {
        const at = now();
        if (at - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = at;
        drawn = true;
        stream.write(`${CLEAR_LINE}${line()}`);
      } else if (mode === 'lines' && total > 0) {
        const tenth = Math.floor((Math.min(done, total) / total) * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          stream.write(`${line()}\n`);
        }
      }
    },
    setTotal(value) {
      total = value;
    },
    finish() {
      if (mode === 'bar' && drawn) stream.write(CLEAR_LINE);
    },
  };
}
