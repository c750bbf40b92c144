import type { UsageWindow } from '../proc/sampler';
import type { LatencyRun, RunOf } from '../scenarios/messaging';
import type { HopRow } from '../stats/hops';
import { markdownTable, num } from './markdown';

const HOP_MEANING: Record<string, string> = {
  command_publish: 'request read by the gateway → command acknowledged by Kafka',
  command_to_router: 'request read by the gateway → command fetched by the router',
  router_decide: 'fetched → sequenced (the batch before it included)',
  router_commit: 'sequenced → transaction committed',
  delivery_fetch: "sequenced → delivery fetched by the recipient's gateway (the commit included)",
  gateway_push: 'delivery fetched → written to the socket',
  platform_total: "request read by the sender's gateway → written to the recipient's socket",
};

/**
 * Issue 11's per-message CPU budget covers the platform's own processes: not Kafka's broker, and
 * not the load generator, which stands for the clients.
 */
export const CPU_BUDGET_EXCLUDES = ['kafka', 'loadgen'];
export const CPU_BUDGET_US = 150;

/** CPU time per delivered message of one process, in microseconds. */
export function microsecondsPerMessage(cpuPercent: number, deliveredPerSecond: number): number {
  return deliveredPerSecond > 0 ? ((cpuPercent / 100) * 1e6) / deliveredPerSecond : Number.NaN;
}

/** Sum of the processes inside the budget. */
export function budgetedMicroseconds(usage: UsageWindow, deliveredPerSecond: number): number {
  const cpu = usage.processes.filter((p) => !CPU_BUDGET_EXCLUDES.includes(p.name)).reduce((sum, p) => sum + p.cpuPercent, 0);
  return microsecondsPerMessage(cpu, deliveredPerSecond);
}

/** Median and p99 of each hop at both rates of S1. */
export function hopSection(run: RunOf<LatencyRun>): string[] {
  const low = run.result.low;
  const main = run.result.hops;
  if (!main && !low?.hops) return [];
  const byHop = (rows: HopRow[] | undefined) => new Map((rows ?? []).map((r) => [r.hop, r]));
  const lowRows = byHop(low?.hops);
  const mainRows = byHop(main);
  const hops = [...new Set([...lowRows.keys(), ...mainRows.keys()])];
  const lowRate = num(low?.phase.offeredRate, 0);
  const mainRate = num(run.result.phase.offeredRate, 0);
  return [
    `### Where the time goes: ${run.label}, hop by hop`,
    '',
    "Each service times the hops it can see from stamps the message carries in its Kafka headers (`switchboard_hop_ms{hop}`, docs/architecture.md), scraped before and after each phase; percentiles are interpolated within the histogram's buckets. Hops overlap: `delivery_fetch` includes `router_commit`, and `platform_total` spans them all.",
    '',
    markdownTable(
      ['hop', 'what it spans', `p50 ms at ${lowRate} msg/s`, `p99 ms at ${lowRate} msg/s`, `p50 ms at ${mainRate} msg/s`, `p99 ms at ${mainRate} msg/s`],
      hops.map((hop) => {
        const l = lowRows.get(hop);
        const m = mainRows.get(hop);
        return [hop, HOP_MEANING[hop] ?? '', num(l?.p50Ms, 2), num(l?.p99Ms, 2), num(m?.p50Ms, 2), num(m?.p99Ms, 2)];
      }),
    ),
    '',
  ];
}

/** CPU microseconds per delivered message, by process, for every system and both rates. */
export function cpuSection(runs: readonly RunOf<LatencyRun>[]): string[] {
  const rows: (string | number)[][] = [];
  for (const run of runs) {
    const phases: [string, UsageWindow, number][] = [];
    if (run.result.low) phases.push([num(run.result.low.phase.offeredRate, 0), run.result.low.usage, run.result.low.phase.deliveredPerSecond]);
    phases.push([num(run.result.phase.offeredRate, 0), run.usage as UsageWindow, run.result.phase.deliveredPerSecond]);
    for (const [rate, usage, delivered] of phases) {
      for (const p of [...usage.processes].sort((a, b) => b.cpuPercent - a.cpuPercent)) {
        rows.push([run.label, rate, p.name, num(microsecondsPerMessage(p.cpuPercent, delivered), 0)]);
      }
      rows.push([run.label, rate, `(all but ${CPU_BUDGET_EXCLUDES.join(', ')})`, num(budgetedMicroseconds(usage, delivered), 0)]);
    }
  }
  return [
    '### CPU per delivered message',
    '',
    `CPU time of each process divided by the messages delivered in the same window, in microseconds (the load generator and the shared Kafka, Postgres and Redis included). Issue 11's budget is ${CPU_BUDGET_US} µs for the platform's own processes: everything but the Kafka broker and the load generator, which stands for the clients.`,
    '',
    markdownTable(['system', 'msg/s', 'process', 'µs per message'], rows),
    '',
  ];
}
