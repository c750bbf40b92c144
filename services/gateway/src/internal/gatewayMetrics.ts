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
  };
}
