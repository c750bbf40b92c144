import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers/platform';

test('docs/configuration.md is generated from the services\' current settings', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'render-config-doc.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});
