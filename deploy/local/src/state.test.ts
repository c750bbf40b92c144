import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readState, updateState } from './state';

const scratch = (): string => join(mkdtempSync(join(tmpdir(), 'sb-state-')), 'state.json');

test('a stack that never started anything has an empty state', () => {
  assert.deepEqual(readState(scratch()), {});
});

test('updates keep what other components recorded', () => {
  const file = scratch();
  updateState(file, (s) => ({ ...s, redis: { port: 6380, pidFile: '/s/redis/redis.pid' } }));
  updateState(file, (s) => ({ ...s, postgres: { startedClusters: [{ version: '15', name: 'main' }] } }));
  updateState(file, ({ redis: _gone, ...rest }) => rest);
  assert.deepEqual(readState(file), { postgres: { startedClusters: [{ version: '15', name: 'main' }] } });
});

test('a corrupt state file is reported, not silently reset', () => {
  const file = scratch();
  writeFileSync(file, '{"redis": ');
  assert.throws(() => readState(file), /state\.json is not valid JSON/);
});
