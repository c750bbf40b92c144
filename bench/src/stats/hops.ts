/**
 * The hop table: per-hop latency of the messages a phase carried, from the services' own
 * `switchboard_hop_ms` histograms (libs/telemetry, hopStamps.ts), scraped before and after the
 * phase. Percentiles are interpolated linearly within a bucket, so they are as fine as the
 * buckets (0.1 ms at the low end).
 */

/** Per hop, cumulative bucket counts by upper bound (Infinity for +Inf), summed over processes. */
export type HopCounts = Map<string, Map<number, number>>;

export interface HopRow {
  hop: string;
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** The order a message passes the hops in. */
export const HOP_ORDER = ['command_publish', 'command_to_router', 'router_decide', 'router_commit', 'delivery_fetch', 'gateway_push', 'platform_total'] as const;

const BUCKET_LINE = /^switchboard_hop_ms_bucket\{hop="([a-z_]+)",le="([^"]+)"\} (\d+(?:\.\d+)?)$/gm;

/** Adds the hop buckets of one /metrics text to `into`. */
export function addHopCounts(into: HopCounts, metricsText: string): HopCounts {
  for (const match of metricsText.matchAll(BUCKET_LINE)) {
    const hop = match[1]!;
    const le = match[2] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[2]);
    let buckets = into.get(hop);
    if (!buckets) into.set(hop, (buckets = new Map()));
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[3]));
  }
  return into;
}

export async function scrapeHops(metricsUrls: readonly string[]): Promise<HopCounts> {
  const counts: HopCounts = new Map();
  for (const url of metricsUrls) {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    addHopCounts(counts, await response.text());
  }
  return counts;
}

/** The value below which `fraction` of the observations lie, from cumulative bucket counts. */
export function quantile(cumulative: readonly [number, number][], fraction: number): number {
  const total = cumulative.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = fraction * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of cumulative) {
    if (count >= rank) {
      // Past the last finite bucket nothing bounds the value: report that bucket's lower bound.
      if (!Number.isFinite(bound)) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket === 0 ? bound : lowerBound + ((rank - lowerCount) / inBucket) * (bound - lowerBound);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** Per hop, the percentiles of what was observed between the two scrapes. */
export function hopTable(before: HopCounts, after: HopCounts): HopRow[] {
  const rows: HopRow[] = [];
  const hops = [...HOP_ORDER, ...[...after.keys()].filter((h) => !(HOP_ORDER as readonly string[]).includes(h)).sort()];
  for (const hop of hops) {
    const buckets = after.get(hop);
    if (!buckets) continue;
    const earlier = before.get(hop);
    const cumulative = [...buckets]
      .map(([bound, count]): [number, number] => [bound, count - (earlier?.get(bound) ?? 0)])
      .sort((a, b) => a[0] - b[0]);
    const count = cumulative.at(-1)?.[1] ?? 0;
    if (count <= 0) continue;
    rows.push({ hop, count, p50Ms: quantile(cumulative, 0.5), p99Ms: quantile(cumulative, 0.99) });
  }
  return rows;
}
