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

/**
 * What ioredis takes to connect, from REDIS_URL and the files: host, port, database, ACL user,
 * password and TLS. Built here rather than passed as a URL with options because ioredis lets a
 * URL's (empty) password win over the option's.
 */
export interface RedisConnection {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  tls?: { ca?: string };
}

export function redisConnection(settings: RedisSecuritySettings, readFile: ReadFile = readText): RedisConnection {
  const problems: string[] = [];
  const url = new URL(settings.REDIS_URL);
  const usesTls = url.protocol === 'rediss:';
  if (settings.REDIS_TLS_CA_FILE !== undefined && !usesTls) problems.push('REDIS_TLS_CA_FILE is set, but REDIS_URL is not rediss:// (TLS)');
  if (settings.REDIS_PASSWORD_FILE !== undefined && url.password !== '') problems.push('REDIS_URL holds a password and REDIS_PASSWORD_FILE is set: keep the password in the file only');
  const connection: RedisConnection = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 6379 : Number(url.port) };
  const db = url.pathname.replace(/^\//, '');
  if (db !== '') {
    if (/^\d+$/.test(db)) connection.db = Number(db);
    else problems.push(`REDIS_URL names database "${db}"; Redis databases are numbers`);
  }
  if (url.username !== '') connection.username = decodeURIComponent(url.username);
  if (url.password !== '') connection.password = decodeURIComponent(url.password);
  if (problems.length === 0 && usesTls) {
    connection.tls = settings.REDIS_TLS_CA_FILE ? { ca: readPem(readFile, 'REDIS_TLS_CA_FILE', settings.REDIS_TLS_CA_FILE, problems) } : {};
  }
  if (problems.length === 0 && settings.REDIS_PASSWORD_FILE) {
    connection.password = readSecret(readFile, 'REDIS_PASSWORD_FILE', settings.REDIS_PASSWORD_FILE, problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return connection;
}

/**
 * DATABASE_URL with the password of DATABASE_PASSWORD_FILE in it, when that is set. node-postgres
 * lets a connection string's (absent) password win over a password option, so the password goes
 * into the URL the pool is given; it is never logged.
 */
export function databaseUrl(settings: { readonly DATABASE_URL: string; readonly DATABASE_PASSWORD_FILE: string | undefined }, readFile: ReadFile = readText): string {
  if (settings.DATABASE_PASSWORD_FILE === undefined) return settings.DATABASE_URL;
  const problems: string[] = [];
  const url = new URL(settings.DATABASE_URL);
  if (url.password !== '') problems.push('DATABASE_URL holds a password and DATABASE_PASSWORD_FILE is set: keep the password in the file only');
  if (url.username === '') problems.push('DATABASE_PASSWORD_FILE is set, but DATABASE_URL names no user (postgres://user@host/db)');
  const password = readSecret(readFile, 'DATABASE_PASSWORD_FILE', settings.DATABASE_PASSWORD_FILE, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  url.password = encodeURIComponent(password);
  return url.toString();
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
