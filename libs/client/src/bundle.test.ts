import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nodeEntry from './index';

const packageDir = join(__dirname, '..');

test('the browser bundle is one ES module without Node imports, exporting the same API as the Node entry', async () => {
  // Built from the current sources, as the build does.
  execFileSync(process.execPath, [join(packageDir, 'scripts', 'bundle.mjs')], { stdio: 'inherit' });
  const file = join(packageDir, 'dist', 'browser', 'switchboard-client.mjs');
  const code = readFileSync(file, 'utf8');
  assert.doesNotMatch(code, /\brequire\s*\(/, 'no require(');
  assert.doesNotMatch(code, /["'`]node:/, 'no node: imports');
  assert.doesNotMatch(code, /\bimport\s*(\(|[^(]*?\bfrom\s*["'`])/, 'no imports at all: the bundle stands alone');
  assert.doesNotMatch(code, /\bprocess\.|\bBuffer\b/, 'no Node globals');

  const browser = (await import(file)) as Record<string, unknown>;
  const node = nodeEntry as unknown as Record<string, unknown>;
  const exported = (module: Record<string, unknown>) => Object.keys(module).filter((k) => k !== 'default' && k !== '__esModule').sort();
  assert.deepEqual(exported(browser), exported(node));
  assert.throws(() => (browser.createClient as (o: unknown) => unknown)({ url: 'ws://x/v1', token: () => 't' }), /no WebSocket implementation/, 'Node 20 has no global WebSocket');
});
