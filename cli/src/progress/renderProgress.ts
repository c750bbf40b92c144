export interface ProgressState {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

/**
 * One line of progress: `label [#####.....] 450/1000  45%  49.8/s  eta 11s`, at most `columns`
 * wide. The rate and estimate appear once there is something to measure.
 */
export function renderProgress(state: ProgressState, columns = 80): string {
  const total = Math.max(0, state.total);
  const done = Math.min(Math.max(0, state.done), total);
  const fraction = total === 0 ? 1 : done / total;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const count = `${done}/${total}`;
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 && done > 0 ? done / seconds : undefined;
  const details = [count, percent];
  if (rate !== undefined) {
    details.push(`${formatRate(rate)}/s`);
    if (done < total) details.push(`eta ${formatSeconds((total - done) / rate)}`);
  }
  const tail = ` ${details.join('  ')}`;
  // Sized for the widest details this total can have, so the bar does not jump as they change.
  const widestTail = ` ${total}/${total}  100%  99999/s  eta 99h59m`.length;
  const barWidth = Math.max(10, Math.min(40, columns - state.label.length - widestTail - 3));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]`;
  return `${state.label} ${bar}${tail}`.slice(0, Math.max(columns, 20));
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return String(Math.round(perSecond));
  return perSecond.toFixed(1);
}

export function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
