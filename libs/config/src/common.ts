import { hostPorts, int, oneOf, str, url } from './fields';

/** A namespace prefixes every topic, consumer group, transactional id and Redis key of one installation. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** Settings shared by every service. Each service spreads these into its own spec. */
export const commonSpec = {
  SWITCHBOARD_NAMESPACE: str({
    description: 'Prefix of every topic, consumer group, transactional id and Redis key of this installation',
    default: 'switchboard',
    pattern: NAMESPACE_PATTERN,
  }),
  KAFKA_BROKERS: hostPorts({ description: 'Kafka bootstrap brokers, comma-separated host:port', default: ['127.0.0.1:9092'] }),
  LOG_LEVEL: oneOf({ description: 'Lowest log level written', default: 'info', values: ['debug', 'info', 'warn', 'error'] as const }),
  SHUTDOWN_GRACE_MS: int({
    description: 'Longest a graceful shutdown (SIGTERM, SIGINT) may take; past it the process exits with status 1. Keep it below the orchestrator\'s grace period',
    default: 25_000,
    min: 1_000,
    max: 600_000,
  }),
} as const;

export const redisSpec = {
  REDIS_URL: url({ description: 'Redis server for presence', default: 'redis://127.0.0.1:6379', protocols: ['redis', 'rediss'] }),
} as const;

export const databaseSpec = {
  DATABASE_URL: url({
    description: 'Postgres database of the persister',
    default: 'postgres://postgres@127.0.0.1:5432/switchboard',
    protocols: ['postgres', 'postgresql'],
  }),
} as const;
