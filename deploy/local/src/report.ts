export type ComponentName = 'kafka' | 'postgres' | 'redis';

/** The outcome for one component of one stack operation. */
export interface ComponentReport {
  readonly component: ComponentName;
  /** Whether the component answers at the end of the operation. */
  readonly state: 'up' | 'down';
  /** host:port (and database) it serves on. */
  readonly address: string;
  /** What happened or what was found, in a few words (e.g. "started, pid 1234, 4 topics ready"). */
  readonly detail: string;
  /** The pid of the process this stack runs for it, if any. */
  readonly pid?: number;
  /** This stack started the process (now or by an earlier `up`) and `down` will stop it. */
  readonly managed: boolean;
  /** Why the operation failed for this component, when it did. */
  readonly error?: string;
}

export interface StackReport {
  readonly components: readonly ComponentReport[];
  /** Every component is up. */
  readonly allUp: boolean;
}

export function stackReport(components: readonly ComponentReport[]): StackReport {
  return { components, allUp: components.every((c) => c.state === 'up') };
}

/** `kafka      up    127.0.0.1:9092 (started, pid 1234, 4 topics ready)` */
export function formatReportLine(report: ComponentReport): string {
  const detail = report.detail === '' ? '' : ` (${report.detail})`;
  return `${report.component.padEnd(10)} ${report.state.padEnd(5)} ${report.address}${detail}`;
}
