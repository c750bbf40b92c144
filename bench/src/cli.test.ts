import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });

test('npm run bench -- --help prints the usage and exits 0 without running anything', () => {
  const result = run('--help');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^usage: npm run bench -- \[scenario \.\.\.\] \[options\]/);
  for (const option of ['--quick', '--duration', '--systems', '--rate', '--out', '--render']) assert.ok(result.stdout.includes(option), option);
});

test('a bad argument exits 2 with one line naming it, then the usage', () => {
  for (const [args, message] of [
    [['s9'], 'unknown argument s9'],
    [['--systems'], '--systems needs a value'],
    [['--systems', 'kafka-streams'], 'unknown system kafka-streams'],
    [['--duration', '0'], '--duration takes a factor between 0 and 10'],
    [['--rate', 'fast'], '--rate takes a positive number'],
  ] as const) {
    const result = run(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.ok(result.stderr.startsWith(`bench: ${message}`), result.stderr);
    assert.ok(result.stderr.includes('usage: npm run bench'), 'the usage follows');
    assert.ok(!result.stderr.includes('    at '), 'no stack trace');
  }
});
