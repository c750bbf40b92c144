import { CLOCK_TICKS, readCpuPressureMicros, readMachineTicks, readProcSample, readPssKiB } from './procStats';

/** A named set of processes sampled together, e.g. "postgres" for the postmaster and its backends. */
export interface TrackedProcess {
  name: string;
  pids: () => number[];
  /** Sum PSS instead of RSS, for process families that share memory. */
  proportional?: boolean;
}

export interface ProcessUsage {
  name: string;
  /** Average CPU over the window, in % of one core. */
  cpuPercent: number;
  /** Peak resident memory in the window, MiB. */
  rssMaxMiB: number;
  /** Resident memory at the end of the window, MiB. */
  rssEndMiB: number;
}

export interface UsageWindow {
  seconds: number;
  processes: ProcessUsage[];
  /** Machine-wide CPU busy in the window, % of all cores together (200 % = both of 2 cores). */
  machineCpuPercent: number;
  /** What the tracked processes do not explain: other people's work on the machine. */
  otherCpuPercent: number;
  /** Share of the window in which some runnable task waited for a core (Linux PSI), when known. */
  cpuPressurePercent?: number;
}

interface Point {
  at: number;
  /** Cumulative CPU ticks per name since sampling began. */
  ticks: Map<string, number>;
  rssKiB: Map<string, number>;
  machineBusy: number;
  machineTotal: number;
  pressureMicros: number | undefined;
}

/**
 * Samples /proc for CPU time and memory of every tracked process at a fixed interval. CPU is
 * accumulated per pid from one sample to the next, so processes that come and go within a set
 * (Postgres backends) neither vanish from nor double in the totals.
 */
export class ProcSampler {
  private readonly tracked: TrackedProcess[] = [];
  private readonly lastTicks = new Map<number, number>();
  private readonly cumulative = new Map<string, number>();
  private readonly points: Point[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 500) {}

  track(process: TrackedProcess): void {
    this.untrack(process.name);
    this.tracked.push(process);
  }

  untrack(name: string): void {
    const i = this.tracked.findIndex((t) => t.name === name);
    if (i >= 0) this.tracked.splice(i, 1);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes a sample now and returns its time, to bound a window. */
  mark(): number {
    return this.sample().at;
  }

  private sample(): Point {
    const ticks = new Map<string, number>();
    const rss = new Map<string, number>();
    for (const t of this.tracked) {
      let delta = 0;
      let memory = 0;
      for (const pid of t.pids()) {
        const s = readProcSample(pid);
        if (!s) continue;
        const previous = this.lastTicks.get(pid);
        if (previous !== undefined) delta += Math.max(0, s.cpuTicks - previous);
        this.lastTicks.set(pid, s.cpuTicks);
        memory += t.proportional ? (readPssKiB(pid) ?? s.rssKiB) : s.rssKiB;
      }
      const total = (this.cumulative.get(t.name) ?? 0) + delta;
      this.cumulative.set(t.name, total);
      ticks.set(t.name, total);
      rss.set(t.name, memory);
    }
    const machine = readMachineTicks();
    const point = { at: Date.now(), ticks, rssKiB: rss, machineBusy: machine.busy, machineTotal: machine.total, pressureMicros: readCpuPressureMicros() };
    this.points.push(point);
    if (this.points.length > 20_000) this.points.splice(0, 5_000);
    return point;
  }

  /** Usage between two marks. */
  window(from: number, to: number): UsageWindow {
    const inside = this.points.filter((p) => p.at >= from && p.at <= to);
    const first = inside[0];
    const last = inside.at(-1);
    if (!first || !last || last.at === first.at) return { seconds: 0, processes: [], machineCpuPercent: 0, otherCpuPercent: 0 };
    const seconds = (last.at - first.at) / 1000;
    const processes: ProcessUsage[] = [];
    let trackedCpu = 0;
    for (const name of last.ticks.keys()) {
      const cpuTicks = (last.ticks.get(name) ?? 0) - (first.ticks.get(name) ?? 0);
      const cpuPercent = (cpuTicks / CLOCK_TICKS / seconds) * 100;
      trackedCpu += cpuPercent;
      const rssMax = Math.max(...inside.map((p) => p.rssKiB.get(name) ?? 0));
      processes.push({ name, cpuPercent, rssMaxMiB: rssMax / 1024, rssEndMiB: (last.rssKiB.get(name) ?? 0) / 1024 });
    }
    const cores = (last.machineTotal - first.machineTotal) / CLOCK_TICKS / seconds;
    const machineCpuPercent = cores > 0 ? ((last.machineBusy - first.machineBusy) / CLOCK_TICKS / seconds) * 100 : 0;
    const pressure =
      first.pressureMicros !== undefined && last.pressureMicros !== undefined ? ((last.pressureMicros - first.pressureMicros) / 1e6 / seconds) * 100 : undefined;
    return {
      seconds,
      processes,
      machineCpuPercent,
      otherCpuPercent: Math.max(0, machineCpuPercent - trackedCpu),
      ...(pressure !== undefined ? { cpuPressurePercent: pressure } : {}),
    };
  }
}
