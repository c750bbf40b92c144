/** Logs, metrics, health endpoints and graceful shutdown shared by every service. */
export { createLogger } from './logger';
export type { LogLevel, Logger } from './logger';
export { LATENCY_BUCKETS_MS, createMetrics } from './metrics';
export type { Counter, Gauge, Histogram, MetricsRegistry } from './metrics';
export { startHealthServer } from './healthServer';
export type { HealthServerOptions } from './healthServer';
export { onShutdownSignal } from './shutdown';
export { HOP_BUCKETS_MS, HOP_HEADERS, createHopTimer, readStamp, stampNow, stampText } from './hopStamps';
export type { HopName, HopTimer } from './hopStamps';
