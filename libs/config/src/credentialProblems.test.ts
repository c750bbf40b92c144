import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialProblem } from './credentialProblems';

const kafka = { credentials: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD_FILE', authorities: 'KAFKA_SSL_CA_FILE' };

test('a refused login names the credential settings, wherever in the chain of causes it is', () => {
  const sasl = Object.assign(new Error('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication'), { name: 'KafkaJSSASLAuthenticationError' });
  assert.equal(credentialProblem('Kafka', sasl, kafka), `Kafka refused the credentials of ${kafka.credentials}: ${sasl.message}`);
  const wrapped = Object.assign(new Error('connection failed'), { cause: new Error('WRONGPASS invalid username-password pair or user is disabled.') });
  assert.match(credentialProblem('Redis', wrapped, { credentials: 'REDIS_PASSWORD_FILE', authorities: 'REDIS_TLS_CA_FILE' })!, /^Redis refused the credentials of REDIS_PASSWORD_FILE: WRONGPASS/);
  const pg = Object.assign(new Error('password authentication failed for user "switchboard"'), { code: '28P01' });
  assert.match(credentialProblem('Postgres', pg, { credentials: 'DATABASE_PASSWORD_FILE', authorities: 'sslrootcert' })!, /^Postgres refused the credentials of DATABASE_PASSWORD_FILE/);
});

test('an untrusted certificate names the authorities setting', () => {
  const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  assert.equal(credentialProblem('Kafka', Object.assign(new Error('Connection error'), { cause: tls }), kafka), "Kafka's certificate is not trusted (KAFKA_SSL_CA_FILE): self-signed certificate in certificate chain");
});

test('an unreachable server is not a credential problem: the service rides it out', () => {
  assert.equal(credentialProblem('Kafka', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' }), kafka), undefined);
  assert.equal(credentialProblem('Kafka', undefined, kafka), undefined);
});
