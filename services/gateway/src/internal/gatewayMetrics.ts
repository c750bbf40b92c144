import type { Counter, Gauge, Histogram, MetricsRegistry } from '@switchboard/telemetry';

/**
 * Frames sent, by type. A group event is one frame per recipient, so the count is kept in a plain
 * number per type on that path and added to the counter when the metrics are read (`flush`).
 */
export interface FrameCounter {
  count(type: string): void;
  /** Adds what was counted since the last flush to the registry's counter. */
  flush(): void;
}

export interface GatewayMetrics {
  connections: Gauge;
  framesIn: Counter;
  framesOut: FrameCounter;
  /** From a request's arrival to its ok reply, for requests answered through the router. */
  ackLatency: Histogram;
  errors: Counter;
  closes: Counter;
  rejectedUpgrades: Counter;
  /** Clients cut off because their send buffer passed the bound (close 4009). */
  slowConsumers: Counter;
  /** Frames let through because the cluster-wide per-user rate limit could not be checked in Redis. */
  userRateFailOpen: Counter;
  /** Sessions closed with 4011 because a gap before a live event stayed open past the hold. */
  gapsUnfilled: Counter;
}

export function createGatewayMetrics(registry: MetricsRegistry, openSessions: () => number): GatewayMetrics {
  return {
    connections: registry.gauge('gateway_connections', 'Open WebSocket sessions', openSessions),
    framesIn: registry.counter('gateway_frames_in_total', 'Frames received from clients, by request type'),
    framesOut: frameCounter(registry.counter('gateway_frames_out_total', 'Frames sent to clients, by frame type')),
    ackLatency: registry.histogram('gateway_ack_latency_ms', 'Time from a command request to its ok reply, in milliseconds'),
    errors: registry.counter('gateway_errors_total', 'Error replies sent to clients, by code'),
    closes: registry.counter('gateway_closes_total', 'Sockets closed, by close code'),
    rejectedUpgrades: registry.counter('gateway_rejected_upgrades_total', 'Refused WebSocket upgrades, by reason'),
    slowConsumers: registry.counter('gateway_slow_consumers_total', 'Clients cut off because they did not read fast enough (close 4009)'),
    userRateFailOpen: registry.counter('gateway_user_rate_fail_open_total', 'Frames let through because Redis could not check the per-user rate limit'),
    gapsUnfilled: registry.counter('gateway_gaps_unfilled_total', 'Sessions closed with 4011 resync_required because a gap could not be filled from the persister in time'),
  };
}

function frameCounter(counter: Counter): FrameCounter {
  const pending = new Map<string, { labels: { type: string }; count: number }>();
  return {
    count(type) {
      const slot = pending.get(type);
      if (slot) slot.count += 1;
      else pending.set(type, { labels: { type }, count: 1 });
    },
    flush() {
      for (const slot of pending.values()) {
        if (slot.count === 0) continue;
        counter.inc(slot.labels, slot.count);
        slot.count = 0;
      }
    },
  };
}
