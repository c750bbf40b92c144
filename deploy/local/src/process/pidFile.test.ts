import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPidFile, type PidCheck } from './pidFile';
import type { ProcInfo } from './procInfo';

function check(pidText: string | undefined, table: Record<number, ProcInfo>, markers = ['kafka.Kafka']): PidCheck {
  return { markers, readProc: (pid) => table[pid], readText: () => pidText };
}

test('no pid file: absent', () => {
  assert.deepEqual(checkPidFile('p', check(undefined, {})), { state: 'absent' });
});

test('a live process carrying every marker: running', () => {
  const status = checkPidFile('p', check('123\n', { 123: { cmdline: 'java kafka.Kafka /s/server.properties', state: 'S' } }));
  assert.deepEqual(status, { state: 'running', pid: 123 });
});

test('the process has exited: stale', () => {
  const status = checkPidFile('p', check('123', {}));
  assert.equal(status.state, 'stale');
  assert.match(status.state === 'stale' ? status.reason : '', /has exited/);
});

test('a zombie has exited too', () => {
  const status = checkPidFile('p', check('123', { 123: { cmdline: '', state: 'Z' } }));
  assert.equal(status.state, 'stale');
});

test('the pid now belongs to another program: stale, and not to be signalled', () => {
  const status = checkPidFile('p', check('123', { 123: { cmdline: 'bash -l', state: 'S' } }));
  assert.equal(status.state, 'stale');
  assert.match(status.state === 'stale' ? status.reason : '', /another program/);
});

test('every marker must match', () => {
  const status = checkPidFile(
    'p',
    check('7', { 7: { cmdline: 'java kafka.Kafka /other/server.properties', state: 'R' } }, ['kafka.Kafka', '/mine/server.properties']),
  );
  assert.equal(status.state, 'stale');
});

test('garbage in the pid file: stale without a pid', () => {
  for (const text of ['', 'abc', '-5', '0', '12 34']) {
    const status = checkPidFile('p', check(text, {}));
    assert.equal(status.state, 'stale', `for "${text}"`);
    assert.equal(status.state === 'stale' ? status.pid : 'x', undefined);
  }
});
