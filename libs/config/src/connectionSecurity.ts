import { readFileSync } from 'node:fs';
import { ConfigError } from './loadConfig';

/**
 * The TLS and SASL settings of the connections to Kafka, Redis and Postgres, checked together
 * (which combinations make sense) and with their files read, so that a service refuses to start
 * with a message naming the setting rather than failing on its first request.
 */

type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');

export interface KafkaSecuritySettings {
  readonly KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  readonly KAFKA_SSL_CA_FILE: string | undefined;
  readonly KAFKA_SSL_CERT_FILE: string | undefined;
  readonly KAFKA_SSL_KEY_FILE: string | undefined;
  readonly KAFKA_SASL_MECHANISM: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly KAFKA_SASL_USERNAME: string | undefined;
  readonly KAFKA_SASL_PASSWORD_FILE: string | undefined;
}

/** What kafkajs takes as `ssl` and `sasl`. */
export interface KafkaSecurity {
  ssl?: { ca?: string; cert?: string; key?: string } | true;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export function kafkaSecurity(settings: KafkaSecuritySettings, readFile: ReadFile = readText): KafkaSecurity {
  const protocol = settings.KAFKA_SECURITY_PROTOCOL;
  const usesTls = protocol === 'SSL' || protocol === 'SASL_SSL';
  const usesSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
  const problems: string[] = [];
  const tlsFiles = (['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const).filter((name) => settings[name] !== undefined);
  if (!usesTls) for (const name of tlsFiles) problems.push(`${name} is set, but KAFKA_SECURITY_PROTOCOL ${protocol} does not use TLS (SSL or SASL_SSL do)`);
  if ((settings.KAFKA_SSL_CERT_FILE === undefined) !== (settings.KAFKA_SSL_KEY_FILE === undefined)) {
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: a client certificate needs its key');
  }
  const saslSettings = (['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD_FILE'] as const).filter((name) => settings[name] !== undefined);
  if (!usesSasl) for (const name of saslSettings) problems.push(`${name} is set, but KAFKA_SECURITY_PROTOCOL ${protocol} does not use SASL (SASL_PLAINTEXT or SASL_SSL do)`);
  if (usesSasl && settings.KAFKA_SASL_USERNAME === undefined) problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL ${protocol}`);
  if (usesSasl && settings.KAFKA_SASL_PASSWORD_FILE === undefined) problems.push(`KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SECURITY_PROTOCOL ${protocol}`);
  const security: KafkaSecurity = {};
  if (problems.length === 0 && usesTls) {
    const ssl: { ca?: string; cert?: string; key?: string } = {};
    if (settings.KAFKA_SSL_CA_FILE) ssl.ca = readPem(readFile, 'KAFKA_SSL_CA_FILE', settings.KAFKA_SSL_CA_FILE, problems);
    if (settings.KAFKA_SSL_CERT_FILE) ssl.cert = readPem(readFile, 'KAFKA_SSL_CERT_FILE', settings.KAFKA_SSL_CERT_FILE, problems);
    if (settings.KAFKA_SSL_KEY_FILE) ssl.key = readPem(readFile, 'KAFKA_SSL_KEY_FILE', settings.KAFKA_SSL_KEY_FILE, problems);
    security.ssl = Object.keys(ssl).length > 0 ? ssl : true;
  }
  if (problems.length === 0 && usesSasl) {
    const password = readSecret(readFile, 'KAFKA_SASL_PASSWORD_FILE', settings.KAFKA_SASL_PASSWORD_FILE!, problems);
    security.sasl = { mechanism: saslMechanism(settings.KAFKA_SASL_MECHANISM), username: settings.KAFKA_SASL_USERNAME!, password };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return security;
}

function saslMechanism(name: KafkaSecuritySettings['KAFKA_SASL_MECHANISM']): 'plain' | 'scram-sha-256' | 'scram-sha-512' {
  return name === 'PLAIN' ? 'plain' : name === 'SCRAM-SHA-256' ? 'scram-sha-256' : 'scram-sha-512';
}

export interface RedisSecuritySettings {
  readonly REDIS_URL: string;
  readonly REDIS_TLS_CA_FILE: string | undefined;
  readonly REDIS_PASSWORD_FILE: string | undefined;
}

/** What ioredis takes besides the URL: TLS with the given authorities, the password from its file. */
export interface RedisSecurity {
  tls?: { ca?: string };
  password?: string;
}

export function redisSecurity(settings: RedisSecuritySettings, readFile: ReadFile = readText): RedisSecurity {
  const problems: string[] = [];
  const usesTls = settings.REDIS_URL.startsWith('rediss:');
  if (settings.REDIS_TLS_CA_FILE !== undefined && !usesTls) problems.push('REDIS_TLS_CA_FILE is set, but REDIS_URL is not rediss:// (TLS)');
  const security: RedisSecurity = {};
  if (problems.length === 0 && usesTls) {
    security.tls = settings.REDIS_TLS_CA_FILE ? { ca: readPem(readFile, 'REDIS_TLS_CA_FILE', settings.REDIS_TLS_CA_FILE, problems) } : {};
  }
  if (problems.length === 0 && settings.REDIS_PASSWORD_FILE) {
    security.password = readSecret(readFile, 'REDIS_PASSWORD_FILE', settings.REDIS_PASSWORD_FILE, problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return security;
}

/** The password DATABASE_PASSWORD_FILE holds, or undefined (the URL's, or none). */
export function databasePassword(settings: { readonly DATABASE_PASSWORD_FILE: string | undefined }, readFile: ReadFile = readText): string | undefined {
  if (settings.DATABASE_PASSWORD_FILE === undefined) return undefined;
  const problems: string[] = [];
  const password = readSecret(readFile, 'DATABASE_PASSWORD_FILE', settings.DATABASE_PASSWORD_FILE, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return password;
}

function readPem(readFile: ReadFile, name: string, path: string, problems: string[]): string {
  const text = readOrReport(readFile, name, path, problems);
  if (text !== '' && !text.includes('-----BEGIN ')) problems.push(`${name} (${path}) holds no PEM block (-----BEGIN ...)`);
  return text;
}

function readSecret(readFile: ReadFile, name: string, path: string, problems: string[]): string {
  const secret = readOrReport(readFile, name, path, problems).split(/\r?\n/)[0] ?? '';
  if (secret === '' && !problems.some((p) => p.startsWith(name))) problems.push(`${name} (${path}) is empty`);
  return secret;
}

function readOrReport(readFile: ReadFile, name: string, path: string, problems: string[]): string {
  try {
    return readFile(path);
  } catch (err) {
    problems.push(`${name} names a file this process cannot read: ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return '';
  }
}
