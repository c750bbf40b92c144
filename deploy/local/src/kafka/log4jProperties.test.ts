import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderLog4jProperties } from './log4jProperties';

test('logs at INFO to the given file through a rolling appender', () => {
  const text = renderLog4jProperties('/stack/logs/kafka-broker.log');
  assert.match(text, /^log4j\.rootLogger=INFO, broker$/m);
  assert.match(text, /^log4j\.appender\.broker=org\.apache\.log4j\.RollingFileAppender$/m);
  assert.match(text, /^log4j\.appender\.broker\.File=\/stack\/logs\/kafka-broker\.log$/m);
  assert.match(text, /^log4j\.logger\.kafka\.request\.logger=WARN$/m);
});
