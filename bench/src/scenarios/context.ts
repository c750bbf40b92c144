import type { BenchEnvironment } from '../platform/switchboard';
import type { ProcSampler, UsageWindow } from '../proc/sampler';

export interface BenchContext {
  env: BenchEnvironment;
  sampler: ProcSampler;
  /** Multiplies every timed phase (1 for the full run). */
  scale: number;
  quick: boolean;
  /** A short tag that keeps user ids of this run apart from any other. */
  runTag: string;
  log(message: string): void;
}

/** Usage of the named processes (and the shared ones) in a window. */
export function usageOf(ctx: BenchContext, from: number, to: number, names: readonly string[]): UsageWindow {
  const window = ctx.sampler.window(from, to);
  return { ...window, processes: window.processes.filter((p) => names.includes(p.name) || SHARED_PROCESSES.includes(p.name)) };
}

export const SHARED_PROCESSES = ['kafka', 'postgres', 'redis', 'loadgen'];

/** Scales a duration, keeping at least `min` ms. */
export function scaled(ctx: BenchContext, ms: number, min = 500): number {
  return Math.max(min, Math.round(ms * ctx.scale));
}
