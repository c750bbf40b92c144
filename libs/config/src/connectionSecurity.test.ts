import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseUrl, kafkaSecurity, redisConnection, type KafkaSecuritySettings } from './connectionSecurity';
import { ConfigError } from './loadConfig';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const files: Record<string, string> = { '/ca.pem': PEM, '/cert.pem': PEM, '/key.pem': PEM.replace(/CERTIFICATE/g, 'PRIVATE KEY'), '/password': 's3cret\n', '/empty': '', '/not-pem': 'hello' };
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return text;
};

const plain: KafkaSecuritySettings = {
  KAFKA_SECURITY_PROTOCOL: 'PLAINTEXT',
  KAFKA_SSL_CA_FILE: undefined,
  KAFKA_SSL_CERT_FILE: undefined,
  KAFKA_SSL_KEY_FILE: undefined,
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: undefined,
  KAFKA_SASL_PASSWORD_FILE: undefined,
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  return assert.fail('expected a ConfigError');
}

test('PLAINTEXT needs nothing and sets nothing', () => {
  assert.deepEqual(kafkaSecurity(plain, readFile), {});
});

test('SASL_SSL with SCRAM reads the CA and the password from their files', () => {
  const security = kafkaSecurity(
    { ...plain, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SSL_CA_FILE: '/ca.pem', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', KAFKA_SASL_USERNAME: 'router', KAFKA_SASL_PASSWORD_FILE: '/password' },
    readFile,
  );
  assert.deepEqual(security, { ssl: { ca: PEM }, sasl: { mechanism: 'scram-sha-256', username: 'router', password: 's3cret' } });
});

test('SSL without files trusts the system authorities; a client certificate comes with its key', () => {
  assert.deepEqual(kafkaSecurity({ ...plain, KAFKA_SECURITY_PROTOCOL: 'SSL' }, readFile), { ssl: true });
  const mtls = kafkaSecurity({ ...plain, KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: '/cert.pem', KAFKA_SSL_KEY_FILE: '/key.pem' }, readFile);
  assert.ok(mtls.ssl !== true && mtls.ssl?.cert === PEM && mtls.ssl.key?.includes('PRIVATE KEY'));
});

test('combinations that cannot work are refused, each problem naming its setting', () => {
  assert.deepEqual(problemsOf(() => kafkaSecurity({ ...plain, KAFKA_SSL_CA_FILE: '/ca.pem', KAFKA_SASL_USERNAME: 'x' }, readFile)), [
    'KAFKA_SSL_CA_FILE is set, but KAFKA_SECURITY_PROTOCOL PLAINTEXT does not use TLS (SSL or SASL_SSL do)',
    'KAFKA_SASL_USERNAME is set, but KAFKA_SECURITY_PROTOCOL PLAINTEXT does not use SASL (SASL_PLAINTEXT or SASL_SSL do)',
  ]);
  assert.deepEqual(problemsOf(() => kafkaSecurity({ ...plain, KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }, readFile)), [
    'KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL SASL_SSL',
    'KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SECURITY_PROTOCOL SASL_SSL',
  ]);
  assert.deepEqual(problemsOf(() => kafkaSecurity({ ...plain, KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: '/cert.pem' }, readFile)), [
    'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: a client certificate needs its key',
  ]);
});

test('files that are empty, missing or not PEM are named', () => {
  const sasl = { ...plain, KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT' as const, KAFKA_SASL_USERNAME: 'u' };
  assert.deepEqual(problemsOf(() => kafkaSecurity({ ...sasl, KAFKA_SASL_PASSWORD_FILE: '/empty' }, readFile)), ['KAFKA_SASL_PASSWORD_FILE (/empty) is empty']);
  assert.match(problemsOf(() => kafkaSecurity({ ...sasl, KAFKA_SASL_PASSWORD_FILE: '/gone' }, readFile))[0]!, /^KAFKA_SASL_PASSWORD_FILE names a file this process cannot read: \/gone \(ENOENT\)/);
  assert.deepEqual(problemsOf(() => kafkaSecurity({ ...plain, KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: '/not-pem' }, readFile)), ['KAFKA_SSL_CA_FILE (/not-pem) holds no PEM block (-----BEGIN ...)']);
});

test('Redis: host, port, database and ACL user from the URL, TLS with its authorities, the password from its file', () => {
  assert.deepEqual(redisConnection({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS_CA_FILE: undefined, REDIS_PASSWORD_FILE: undefined }, readFile), { host: '127.0.0.1', port: 6379 });
  assert.deepEqual(redisConnection({ REDIS_URL: 'rediss://switchboard@redis.internal:6380/2', REDIS_TLS_CA_FILE: '/ca.pem', REDIS_PASSWORD_FILE: '/password' }, readFile), {
    host: 'redis.internal',
    port: 6380,
    db: 2,
    username: 'switchboard',
    password: 's3cret',
    tls: { ca: PEM },
  });
  assert.deepEqual(redisConnection({ REDIS_URL: 'rediss://[::1]', REDIS_TLS_CA_FILE: undefined, REDIS_PASSWORD_FILE: undefined }, readFile), { host: '::1', port: 6379, tls: {} });
  assert.deepEqual(problemsOf(() => redisConnection({ REDIS_URL: 'redis://h:1', REDIS_TLS_CA_FILE: '/ca.pem', REDIS_PASSWORD_FILE: undefined }, readFile)), [
    'REDIS_TLS_CA_FILE is set, but REDIS_URL is not rediss:// (TLS)',
  ]);
  assert.deepEqual(problemsOf(() => redisConnection({ REDIS_URL: 'redis://u:inline@h:1', REDIS_TLS_CA_FILE: undefined, REDIS_PASSWORD_FILE: '/password' }, readFile)), [
    'REDIS_URL holds a password and REDIS_PASSWORD_FILE is set: keep the password in the file only',
  ]);
});

test('Postgres: the password file goes into the URL; a URL with a password of its own, or without a user, is refused beside it', () => {
  const url = 'postgres://switchboard@db:5432/switchboard?sslmode=verify-full&sslrootcert=%2Fca.pem';
  assert.equal(databaseUrl({ DATABASE_URL: url, DATABASE_PASSWORD_FILE: undefined }, readFile), url);
  assert.equal(databaseUrl({ DATABASE_URL: url, DATABASE_PASSWORD_FILE: '/password' }, readFile), 'postgres://switchboard:s3cret@db:5432/switchboard?sslmode=verify-full&sslrootcert=%2Fca.pem');
  assert.deepEqual(problemsOf(() => databaseUrl({ DATABASE_URL: 'postgres://u:inline@db/x', DATABASE_PASSWORD_FILE: '/password' }, readFile)), [
    'DATABASE_URL holds a password and DATABASE_PASSWORD_FILE is set: keep the password in the file only',
  ]);
  assert.deepEqual(problemsOf(() => databaseUrl({ DATABASE_URL: 'postgres://db/x', DATABASE_PASSWORD_FILE: '/password' }, readFile)), [
    'DATABASE_PASSWORD_FILE is set, but DATABASE_URL names no user (postgres://user@host/db)',
  ]);
});
