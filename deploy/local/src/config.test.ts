import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@switchboard/config';
import { loadStackSettings } from './config';
import { REPO_ROOT } from './paths';

test('defaults: stack and cache under the repository, Kafka on 9092 and 9093', () => {
  const settings = loadStackSettings({});
  assert.equal(settings.stackDir, join(REPO_ROOT, '.stack'));
  assert.equal(settings.cacheDir, join(REPO_ROOT, '.cache'));
  assert.equal(settings.kafkaPort, 9092);
  assert.equal(settings.kafkaControllerPort, 9093);
  assert.equal(settings.namespace, 'switchboard');
  assert.equal(settings.databaseUrl, 'postgres://postgres@127.0.0.1:5432/switchboard');
});

test('the repository root holds the workspace package.json', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string };
  assert.equal(manifest.name, 'switchboard');
});

test('overrides are taken from the environment; the cache stays put when only the stack moves', () => {
  const settings = loadStackSettings({ SWITCHBOARD_STACK_DIR: '/tmp/stack-x', KAFKA_PORT: '19092', KAFKA_CONTROLLER_PORT: '19093' });
  assert.equal(settings.stackDir, '/tmp/stack-x');
  assert.equal(settings.cacheDir, join(REPO_ROOT, '.cache'));
  assert.equal(settings.kafkaPort, 19092);
  assert.equal(loadStackSettings({ SWITCHBOARD_CACHE_DIR: '/tmp/c' }).cacheDir, '/tmp/c');
});

test('bad values are refused, naming the variable', () => {
  assert.throws(() => loadStackSettings({ KAFKA_PORT: 'ninety' }), (err: unknown) => err instanceof ConfigError && /KAFKA_PORT/.test(err.message));
  assert.throws(() => loadStackSettings({ KAFKA_CONTROLLER_PORT: '70000' }), /KAFKA_CONTROLLER_PORT/);
  assert.throws(() => loadStackSettings({ KAFKA_PORT: '0' }), /KAFKA_PORT/);
  assert.throws(() => loadStackSettings({ DATABASE_URL: 'mysql://x/y' }), /DATABASE_URL/);
  assert.throws(() => loadStackSettings({ SWITCHBOARD_NAMESPACE: 'Bad Name' }), /SWITCHBOARD_NAMESPACE/);
});

test('the controller port must differ from the broker port', () => {
  assert.throws(() => loadStackSettings({ KAFKA_PORT: '9100', KAFKA_CONTROLLER_PORT: '9100' }), /KAFKA_CONTROLLER_PORT must differ/);
});
