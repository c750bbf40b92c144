import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions, type logCreator } from 'kafkajs';
import type { KafkaSecurity } from '@switchboard/config';

export interface KafkaOptions {
  brokers: readonly string[];
  clientId: string;
  /** Receives kafkajs's own log lines; defaults to warnings and errors as JSON on stderr. */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, extra: Record<string, unknown>) => void;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Retries of a failed request (connection included) before it fails; default 8, up to 5 s apart. */
  retries?: number;
  /** TLS and SASL, from kafkaSecurity() of @switchboard/config; none by default. */
  security?: KafkaSecurity;
}

const LEVELS: Record<number, 'debug' | 'info' | 'warn' | 'error'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function defaultLog(level: string, message: string, extra: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), logger: 'kafkajs', message, ...extra })}\n`);
}

/** One kafkajs client per process; producers, consumers and admins are made from it. */
export function createKafka(options: KafkaOptions): Kafka {
  const log = options.log ?? defaultLog;
  const creator: logCreator = () => (entry: LogEntry) => {
    const { message, ...extra } = entry.log;
    log(LEVELS[entry.level] ?? 'info', `${entry.namespace}: ${message}`, extra);
  };
  const config: KafkaConfig = {
    brokers: [...options.brokers],
    clientId: options.clientId,
    logLevel: logLevel.WARN,
    logCreator: creator,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { initialRetryTime: 100, retries: options.retries ?? 8, maxRetryTime: 5_000 },
  };
  if (options.security?.ssl) config.ssl = options.security.ssl;
  const sasl = options.security?.sasl;
  // kafkajs types SASL per mechanism; the three it takes here share their fields.
  if (sasl) config.sasl = sasl as SASLOptions;
  return new Kafka(config);
}
