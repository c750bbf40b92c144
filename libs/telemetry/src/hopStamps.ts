import type { Histogram, MetricsRegistry } from './metrics';

/**
 * Hop stamps: the moments a message passes each stage of the pipeline, carried in Kafka headers
 * so that every process can time the hops before it against its own clock (all stamps are epoch
 * milliseconds, so they compare across processes as far as the hosts' clocks agree). Each service
 * observes the hops it can see into one histogram, `hop_ms{hop}`; docs/architecture.md lists them.
 */
export const HOP_HEADERS = {
  /** The gateway read the client's request. */
  received: 'sb-received-at',
  /** The router fetched the command. */
  fetched: 'sb-router-fetched-at',
  /** The router decided it (sequenced it). */
  decided: 'sb-router-decided-at',
} as const;

export type HopName =
  /** Request read by the gateway → command acknowledged by Kafka (gateway of the sender). */
  | 'command_publish'
  /** Request read by the gateway → command fetched by the router (router). */
  | 'command_to_router'
  /** Command fetched → decided (router). */
  | 'router_decide'
  /** Command decided → its transaction committed (router). */
  | 'router_commit'
  /** Command decided → delivery fetched by the recipient's gateway, the commit included (gateway of the recipient). */
  | 'delivery_fetch'
  /** Delivery fetched → written to the recipients' sockets (gateway of the recipient). */
  | 'gateway_push'
  /** Request read by the sender's gateway → event written to the recipients' sockets (gateway of the recipient). */
  | 'platform_total';

/** Fine at the low end, where the hops of an idle platform sit, and up to the slow outliers. */
export const HOP_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000] as const;

/** Now, in epoch milliseconds with sub-millisecond resolution. */
export function stampNow(): number {
  return performance.timeOrigin + performance.now();
}

export function stampText(stamp: number): string {
  return stamp.toFixed(2);
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A stamp read from a header; undefined when absent or not a number. */
export function readStamp(value: HeaderValue): number | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const stamp = Number(first.toString());
  return Number.isFinite(stamp) && stamp > 0 ? stamp : undefined;
}

export interface HopTimer {
  /** Observes `to - from` for the hop; a missing stamp observes nothing. */
  observe(hop: HopName, from: number | undefined, to: number): void;
}

export function createHopTimer(registry: MetricsRegistry): HopTimer {
  const histogram: Histogram = registry.histogram('hop_ms', 'Time messages spend in each hop of the pipeline, in milliseconds, by hop', HOP_BUCKETS_MS);
  return {
    observe(hop, from, to) {
      if (from === undefined) return;
      histogram.observe(Math.max(0, to - from), { hop });
    },
  };
}
