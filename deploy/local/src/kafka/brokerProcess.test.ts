import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcInfo } from '../process/procInfo';
import { brokerPidStatus } from './brokerProcess';

const props = '/stack-a/kafka/server.properties';

function pidFileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-pid-')), 'kafka.pid');
  writeFileSync(file, text);
  return file;
}

const procs = (table: Record<number, ProcInfo>) => (pid: number) => table[pid];

test('our broker counts as running', () => {
  const file = pidFileWith('42\n');
  const status = brokerPidStatus(file, props, procs({ 42: { cmdline: `java -Xmx512m -cp x kafka.Kafka ${props}`, state: 'S' } }));
  assert.deepEqual(status, { state: 'running', pid: 42 });
});

test("another stack's broker is not ours", () => {
  const file = pidFileWith('42\n');
  const status = brokerPidStatus(file, props, procs({ 42: { cmdline: 'java kafka.Kafka /stack-b/kafka/server.properties', state: 'S' } }));
  assert.equal(status.state, 'stale');
});

test('a missing pid file reads as absent', () => {
  assert.deepEqual(brokerPidStatus('/nonexistent/kafka.pid', props, procs({})), { state: 'absent' });
});
