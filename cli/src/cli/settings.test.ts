import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from './cliError';
import { EXIT_CONFIG, EXIT_USAGE } from './exitCodes';
import { DEFAULT_GATEWAY_URL, normalizeGatewayUrl, resolveSettings } from './settings';

function failure(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError) return { code: err.exitCode, message: err.message };
    throw err;
  }
  throw new Error('expected a failure');
}

test('defaults, then the environment, then the flag', () => {
  const defaults = resolveSettings({}, {});
  assert.equal(defaults.namespace(), 'switchboard');
  assert.deepEqual(defaults.brokers(), ['127.0.0.1:9092']);
  assert.equal(defaults.gatewayUrl(), DEFAULT_GATEWAY_URL);
  const env = { SWITCHBOARD_NAMESPACE: 'staging', KAFKA_BROKERS: 'k1:9092,k2:9092', GATEWAY_URL: 'wss://chat.example.com' };
  const fromEnv = resolveSettings({}, env);
  assert.equal(fromEnv.namespace(), 'staging');
  assert.deepEqual(fromEnv.brokers(), ['k1:9092', 'k2:9092']);
  assert.equal(fromEnv.gatewayUrl(), 'wss://chat.example.com/v1');
  const fromFlags = resolveSettings({ namespace: 'ns-2', brokers: 'k9:9093', gateway: 'http://127.0.0.1:9000/v1' }, env);
  assert.equal(fromFlags.namespace(), 'ns-2');
  assert.deepEqual(fromFlags.brokers(), ['k9:9093']);
  assert.equal(fromFlags.gatewayUrl(), 'ws://127.0.0.1:9000/v1');
});

test('a bad flag is a usage error; a bad variable is a configuration error; each names its source', () => {
  assert.deepEqual(failure(() => resolveSettings({ namespace: 'Bad_NS' }, {}).namespace()), {
    code: EXIT_USAGE,
    message: '--namespace must match /^[a-z][a-z0-9-]{0,31}$/, got "Bad_NS"',
  });
  assert.equal(failure(() => resolveSettings({}, { SWITCHBOARD_NAMESPACE: 'Bad_NS' }).namespace()).code, EXIT_CONFIG);
  assert.match(failure(() => resolveSettings({}, { SWITCHBOARD_NAMESPACE: 'Bad_NS' }).namespace()).message, /^SWITCHBOARD_NAMESPACE must match/);
  assert.deepEqual(failure(() => resolveSettings({ brokers: 'nohost' }, {}).brokers()).code, EXIT_USAGE);
  assert.match(failure(() => resolveSettings({}, { KAFKA_BROKERS: 'nohost' }).brokers()).message, /^KAFKA_BROKERS has items not matching/);
  assert.deepEqual(failure(() => resolveSettings({ gateway: 'ftp://x' }, {}).gatewayUrl()).code, EXIT_USAGE);
  assert.deepEqual(failure(() => resolveSettings({}, { GATEWAY_URL: 'nonsense' }).gatewayUrl()).code, EXIT_CONFIG);
});

test('Kafka security comes from the services\' variables; a combination that cannot work is a configuration error', () => {
  assert.deepEqual(resolveSettings({}, {}).kafkaSecurity(), {});
  const refused = failure(() => resolveSettings({}, { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }).kafkaSecurity());
  assert.equal(refused.code, EXIT_CONFIG);
  assert.match(refused.message, /KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL SASL_SSL/);
});

test('a wrong KAFKA_BROKERS does not stop a command that never asks for it', () => {
  const settings = resolveSettings({}, { KAFKA_BROKERS: 'nohost' });
  assert.equal(settings.namespace(), 'switchboard');
});

test('gateway URLs: http becomes ws, a bare host gets /v1, other paths are kept', () => {
  assert.equal(normalizeGatewayUrl('https://chat.example.com'), 'wss://chat.example.com/v1');
  assert.equal(normalizeGatewayUrl('ws://10.0.0.1:8080/custom/v1'), 'ws://10.0.0.1:8080/custom/v1');
  assert.equal(normalizeGatewayUrl('ftp://x'), undefined);
  assert.equal(normalizeGatewayUrl('not a url'), undefined);
});
