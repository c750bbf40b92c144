import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databasePassword, kafkaSecurity, redisSecurity, type KafkaSecuritySettings } from './connectionSecurity';
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

test('Redis: TLS with its authorities and the password from a file; a CA without rediss:// is refused', () => {
  assert.deepEqual(redisSecurity({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS_CA_FILE: undefined, REDIS_PASSWORD_FILE: undefined }, readFile), {});
  assert.deepEqual(redisSecurity({ REDIS_URL: 'rediss://switchboard@127.0.0.1:6380', REDIS_TLS_CA_FILE: '/ca.pem', REDIS_PASSWORD_FILE: '/password' }, readFile), {
    tls: { ca: PEM },
    password: 's3cret',
  });
  assert.deepEqual(problemsOf(() => redisSecurity({ REDIS_URL: 'redis://h:1', REDIS_TLS_CA_FILE: '/ca.pem', REDIS_PASSWORD_FILE: undefined }, readFile)), [
    'REDIS_TLS_CA_FILE is set, but REDIS_URL is not rediss:// (TLS)',
  ]);
});

test('Postgres: the password file, when set, gives the password', () => {
  assert.equal(databasePassword({ DATABASE_PASSWORD_FILE: undefined }, readFile), undefined);
  assert.equal(databasePassword({ DATABASE_PASSWORD_FILE: '/password' }, readFile), 's3cret');
});
