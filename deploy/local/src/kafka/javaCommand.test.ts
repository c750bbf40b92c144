import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerJavaArgs, storageToolArgs } from './javaCommand';

const paths = { classPath: '/cache/kafka/3.9.1/libs/*', log4jProperties: '/stack/kafka/log4j.properties' };

test('runs kafka.Kafka with at most 512 MiB of heap and our log4j configuration', () => {
  const args = brokerJavaArgs(paths, '/stack/kafka/server.properties');
  assert.ok(args.includes('-Xmx512m'));
  assert.ok(args.includes('-Dlog4j.configuration=file:/stack/kafka/log4j.properties'));
  assert.deepEqual(args.slice(-4), ['-cp', '/cache/kafka/3.9.1/libs/*', 'kafka.Kafka', '/stack/kafka/server.properties']);
});

test('runs the storage tool with its arguments last', () => {
  const args = storageToolArgs(paths, ['random-uuid']);
  assert.deepEqual(args.slice(-2), ['kafka.tools.StorageTool', 'random-uuid']);
});
