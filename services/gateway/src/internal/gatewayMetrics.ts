import type { Counter, Gauge, Histogram, MetricsRegistry } from '@switchboard/telemetry';

export interface GatewayMetrics {
  connections: Gauge;
  framesIn: Counter;
  framesOut: Counter;
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
    framesOut: registry.counter('gateway_frames_out_total', 'Frames sent to clients, by frame type'),
    ackLatency: registry.histogram('gateway_ack_latency_ms', 'Time from a command request to its ok reply, in milliseconds'),
    errors: registry.counter('gateway_errors_total', 'Error replies sent to clients, by code'),
    closes: registry.counter('gateway_closes_total', 'Sockets closed, by close code'),
    rejectedUpgrades: registry.counter('gateway_rejected_upgrades_total', 'Refused WebSocket upgrades, by reason'),
    slowConsumers: registry.counter('gateway_slow_consumers_total', 'Clients cut off because they did not read fast enough (close 4009)'),
    userRateFailOpen: registry.counter('gateway_user_rate_fail_open_total', 'Frames let through because Redis could not check the per-user rate limit'),
    gapsUnfilled: registry.counter('gateway_gaps_unfilled_total', 'Sessions closed with 4011 resync_required because a gap could not be filled from the persister in time'),
  };
}
