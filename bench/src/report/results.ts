import type { MachineInfo } from '../proc/machine';
import type { DensityResult } from '../scenarios/density';
import type { ProducerPerfResult } from '../scenarios/kafkaPerf';
import type { KafkaTxnResult } from '../scenarios/kafkaTxn';
import type { FanoutRun, LatencyRun, RunOf, StepRun } from '../scenarios/messaging';
import type { PersisterResult } from '../scenarios/persister';
import type { ResumeResult } from '../scenarios/resume';
import type { TakeoverResult } from '../scenarios/takeover';
import { LatencyHistogram } from '../stats/histogram';

export type ScenarioId = 's1' | 's2' | 's3' | 's4' | 's5' | 's6' | 's7' | 'kafka' | 'kafka-txn';
export const SCENARIOS: readonly ScenarioId[] = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 'kafka', 'kafka-txn'];

/** How and where a section's figures were measured. */
export interface RunMeta {
  command: string;
  date: string;
  scale: number;
  quick: boolean;
  machine: MachineInfo;
  /** Machine CPU used by processes outside the benchmark while it ran, % of one core (averaged). */
  otherCpuPercent?: number;
  /** Share of the time some task waited for a core while it ran (Linux PSI), averaged. */
  cpuPressurePercent?: number;
}

export interface Section<T> {
  meta: RunMeta;
  runs: RunOf<T>[];
}

export interface BenchResults {
  s1?: Section<LatencyRun>;
  s2?: Section<StepRun>;
  s3?: Section<FanoutRun>;
  s4?: Section<DensityResult>;
  s5?: Section<ResumeResult>;
  s6?: Section<PersisterResult>;
  s7?: Section<TakeoverResult>;
  kafka?: Section<ProducerPerfResult>;
  'kafka-txn'?: Section<KafkaTxnResult>;
}

/** A histogram from a run in memory, or as read back from results.json. */
export function asHistogram(value: unknown): LatencyHistogram | undefined {
  if (value instanceof LatencyHistogram) return value;
  if (value && typeof value === 'object' && 'buckets' in value) return LatencyHistogram.fromJSON(value as ReturnType<LatencyHistogram['toJSON']>);
  return undefined;
}
