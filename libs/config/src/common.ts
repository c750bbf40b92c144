import { hostPorts, int, oneOf, optionalFile, optionalStr, str, url } from './fields';

/** A namespace prefixes every topic, consumer group, transactional id and Redis key of one installation. */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** How to reach secured brokers (docs/connections.md); every Kafka client of the project reads these. */
export const kafkaSecuritySpec = {
  KAFKA_SECURITY_PROTOCOL: oneOf({
    description: 'How to reach the brokers, as Kafka names it: PLAINTEXT, SSL (TLS), SASL_PLAINTEXT or SASL_SSL (SASL over TLS)',
    default: 'PLAINTEXT',
    values: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const,
  }),
  KAFKA_SSL_CA_FILE: optionalFile({ description: 'PEM file of the certificate authorities that signed the brokers\' certificates; unset trusts the system\'s (SSL and SASL_SSL only)' }),
  KAFKA_SSL_CERT_FILE: optionalFile({ description: 'PEM client certificate for brokers that require one (mutual TLS); set together with KAFKA_SSL_KEY_FILE' }),
  KAFKA_SSL_KEY_FILE: optionalFile({ description: 'PEM private key of KAFKA_SSL_CERT_FILE' }),
  KAFKA_SASL_MECHANISM: oneOf({
    description: 'SASL mechanism with SASL_PLAINTEXT or SASL_SSL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
    default: 'SCRAM-SHA-512',
    values: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const,
  }),
  KAFKA_SASL_USERNAME: optionalStr({ description: 'SASL user name (SASL_PLAINTEXT and SASL_SSL only)' }),
  KAFKA_SASL_PASSWORD_FILE: optionalFile({ description: 'File holding the SASL password (its first line; SASL_PLAINTEXT and SASL_SSL only)' }),
} as const;

/** Settings shared by every service. Each service spreads these into its own spec. */
export const commonSpec = {
  SWITCHBOARD_NAMESPACE: str({
    description: 'Prefix of every topic, consumer group, transactional id and Redis key of this installation',
    default: 'switchboard',
    pattern: NAMESPACE_PATTERN,
  }),
  KAFKA_BROKERS: hostPorts({ description: 'Kafka bootstrap brokers, comma-separated host:port', default: ['127.0.0.1:9092'] }),
  ...kafkaSecuritySpec,
  LOG_LEVEL: oneOf({ description: 'Lowest log level written', default: 'info', values: ['debug', 'info', 'warn', 'error'] as const }),
  SHUTDOWN_GRACE_MS: int({
    description: 'Longest a graceful shutdown (SIGTERM, SIGINT) may take; past it the process exits with status 1. Keep it below the orchestrator\'s grace period',
    default: 25_000,
    min: 1_000,
    max: 600_000,
  }),
} as const;

export const redisSpec = {
  REDIS_URL: url({
    description: 'Redis server for presence; rediss:// for TLS; an ACL user name may be given in the URL (rediss://user@host:6380)',
    default: 'redis://127.0.0.1:6379',
    protocols: ['redis', 'rediss'],
  }),
  REDIS_TLS_CA_FILE: optionalFile({ description: 'PEM file of the certificate authorities that signed the Redis server\'s certificate; unset trusts the system\'s (rediss:// only)' }),
  REDIS_PASSWORD_FILE: optionalFile({ description: 'File holding the Redis password of the URL\'s ACL user (or of the default user); its first line' }),
} as const;

export const databaseSpec = {
  DATABASE_URL: url({
    description: 'Postgres database of the persister',
    default: 'postgres://postgres@127.0.0.1:5432/switchboard',
    protocols: ['postgres', 'postgresql'],
  }),
  DATABASE_PASSWORD_FILE: optionalFile({ description: 'File holding the Postgres password (its first line), instead of one in DATABASE_URL. For TLS, DATABASE_URL takes sslmode=verify-full&sslrootcert=<CA file>' }),
} as const;
