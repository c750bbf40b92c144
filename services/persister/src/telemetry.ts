import type { Counter, Gauge, Histogram, MetricsRegistry } from '@switchboard/telemetry';

/** Every metric the persister exports, made once per registry. */
export interface PersisterMetrics {
  /** Batches handled, by outcome: projected, repositioned, failed. */
  batches: Counter;
  /** Events handled, by result: stored, duplicate, receipt, undecodable. */
  events: Counter;
  /** Time from the start of a batch's projection to the database commit of its round. */
  batchMs: Histogram;
  /** Partitions whose batches one round's transaction carried. */
  roundPartitions: Histogram;
  /** Records between the end of the last projected batch and the partition's high watermark. */
  lag: Gauge;
  /** HTTP API requests, by route and status. */
  httpRequests: Counter;
  httpMs: Histogram;
}

export function createPersisterMetrics(registry: MetricsRegistry): PersisterMetrics {
  return {
    batches: registry.counter('persister_batches_total', 'Batches handled, by outcome'),
    events: registry.counter('persister_events_total', 'Events handled, by result'),
    batchMs: registry.histogram('persister_batch_ms', 'Time to project and commit one batch (in its round), in milliseconds'),
    roundPartitions: registry.histogram('persister_round_partitions', 'Partitions whose batches one database transaction carried', [1, 2, 4, 8, 16, 32]),
    lag: registry.gauge('persister_partition_lag', 'Records not yet projected, per partition of the events topic'),
    httpRequests: registry.counter('persister_http_requests_total', 'HTTP API requests, by route and status'),
    httpMs: registry.histogram('persister_http_request_ms', 'HTTP API request time, in milliseconds'),
  };
}
