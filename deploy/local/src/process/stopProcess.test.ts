import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopProcess } from './stopProcess';

/** A fake process and clock: the process exits `exitsAfterMs` after it receives `exitsOn`. */
function fakeProcess(exitsOn: NodeJS.Signals, exitsAfterMs: number) {
  let clock = 0;
  let exitAt: number | undefined;
  const signals: NodeJS.Signals[] = [];
  return {
    signals,
    options: {
      isRunning: () => exitAt === undefined || clock < exitAt,
      kill: (signal: NodeJS.Signals) => {
        signals.push(signal);
        if (signal === exitsOn || signal === 'SIGKILL') exitAt = Math.min(exitAt ?? Infinity, clock + (signal === 'SIGKILL' ? 0 : exitsAfterMs));
      },
      sleep: async (ms: number) => {
        clock += ms;
      },
      now: () => clock,
    },
  };
}

test('a process that honours SIGTERM is not killed', async () => {
  const proc = fakeProcess('SIGTERM', 1_000);
  const result = await stopProcess({ ...proc.options, graceMs: 5_000 });
  assert.deepEqual(result, { stopped: true, forced: false });
  assert.deepEqual(proc.signals, ['SIGTERM']);
});

test('a process that ignores SIGTERM is killed after the grace period', async () => {
  const proc = fakeProcess('SIGUSR2', 0);
  const result = await stopProcess({ ...proc.options, graceMs: 2_000 });
  assert.deepEqual(result, { stopped: true, forced: true });
  assert.deepEqual(proc.signals, ['SIGTERM', 'SIGKILL']);
});

test('a process that is already gone gets no signal', async () => {
  const signals: string[] = [];
  const result = await stopProcess({ isRunning: () => false, kill: (s) => signals.push(s), graceMs: 1_000 });
  assert.deepEqual(result, { stopped: true, forced: false });
  assert.deepEqual(signals, []);
});
