import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReportLine, stackReport } from './report';

test('one aligned line per component', () => {
  const line = formatReportLine({ component: 'kafka', state: 'up', address: '127.0.0.1:9092', detail: 'started, pid 7', managed: true, pid: 7 });
  assert.equal(line, 'kafka      up    127.0.0.1:9092 (started, pid 7)');
});

test('allUp only when every component is up', () => {
  const up = { component: 'redis', state: 'up', address: 'a', detail: '', managed: false } as const;
  assert.equal(stackReport([up, { ...up, component: 'kafka' }]).allUp, true);
  assert.equal(stackReport([up, { ...up, state: 'down' }]).allUp, false);
});
