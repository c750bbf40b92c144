import { commonSpec, databaseSpec, int, oneOf, port, str, type ConfigOf } from '@switchboard/config';

export const persisterSpec = {
  ...commonSpec,
  ...databaseSpec,
  PERSISTER_HTTP_PORT: port({ description: 'Port of the history API and the health and metrics endpoints', default: 8090 }),
  PERSISTER_HTTP_HOST: str({ description: 'Address the HTTP API listens on', default: '0.0.0.0' }),
  PERSISTER_INSTANCE_ID: str({ description: 'Name of this persister instance in logs and Kafka client ids', default: `persister-${process.pid}` }),
  // kafkajs answers a fetch only after the full wait even when records arrived sooner, so this is
  // added to the delay of every projected event; a few ms keep gap fills fast.
  PERSISTER_FETCH_WAIT_MS: int({ description: 'Longest a fetch from Kafka waits for new events (it returns as soon as one arrives)', default: 100, min: 0, max: 5_000 }),
  PERSISTER_FETCH_INTERVAL_MS: int({
    description:
      'Average time between fetches that a busy persister is held to, so that one fetch and one database transaction carry what arrived meanwhile; up to 10 fetches in a row go at once. 0 never holds it',
    default: 20,
    min: 0,
    max: 1_000,
  }),
  PERSISTER_SESSION_TIMEOUT_MS: int({
    description: 'Consumer group session timeout: how long the partitions of a persister that died stay unprojected; the broker allows 6000 and up by default',
    default: 10_000,
    min: 1_000,
    max: 300_000,
  }),
  PERSISTER_MAX_BATCH_BYTES: int({
    description: 'Most bytes fetched per partition in one batch; a database transaction holds one fetch round, at most one batch per partition',
    default: 1_048_576,
    min: 1_024,
    max: 104_857_600,
  }),
  PERSISTER_DB_POOL_SIZE: int({
    description: 'Postgres connections: one for the projection (one round is written at a time), the rest for API requests',
    default: 20,
    min: 2,
    max: 500,
  }),
  PERSISTER_DB_STATEMENT_TIMEOUT_MS: int({ description: 'Longest one SQL statement may run', default: 30_000, min: 100, max: 600_000 }),
  PERSISTER_SYNC_CATCH_UP_MS: int({
    description: 'Longest a sync waits for the projection to reach the end of the log as it was when the sync arrived, so it includes every event committed before',
    default: 2_000,
    min: 0,
    max: 60_000,
  }),
  PERSISTER_MIGRATE: oneOf({
    description:
      'Whether to apply pending schema migrations at start (auto), or leave them to a run of node services/persister/dist/bin/migrate.js before the persisters start, as the helm chart\'s migration Job does (off)',
    default: 'auto',
    values: ['auto', 'off'] as const,
  }),
} as const;

export type PersisterConfig = ConfigOf<typeof persisterSpec>;
