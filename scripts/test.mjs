// npm test — installs and builds what is missing, brings the local stack up when it is not, then
// runs every compiled test file with node's test runner and ends with "N passed, N failed".
//   npm test                  all suites (unit and integration)
//   npm test -- --unit        unit tests only (no stack needed)
//   npm test -- <filter>      only test files whose path contains <filter>
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensure, root } from './ensure.mjs';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, found);
    else if (entry.name.endsWith('.test.js') && path.includes(`${join('dist')}/`)) found.push(path);
  }
  return found;
}

ensure();

const files = ['libs', 'services', 'deploy', 'test', 'bench', 'cli']
  .flatMap((dir) => findTests(join(root, dir)))
  .filter((f) => !unitOnly || !f.endsWith('.it.test.js'))
  .filter((f) => filters.length === 0 || filters.some((filter) => relative(root, f).includes(filter)))
  .sort();
if (files.length === 0) {
  process.stderr.write('switchboard: no test files matched\n');
  process.exit(1);
}

if (files.some((f) => f.endsWith('.it.test.js'))) {
  const up = spawnSync(process.execPath, [join(root, 'deploy/local/dist/cli.js'), 'up'], { stdio: 'inherit' });
  if (up.status !== 0) {
    process.stderr.write('switchboard: the local stack did not come up; integration tests cannot run\n');
    process.exit(up.status || 1);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'switchboard-test-'));
const tap = join(scratch, 'results.tap');
const result = spawnSync(
  process.execPath,
  [
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`,
    `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? '600000'}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);

const summary = readFileSync(tap, 'utf8');
const count = (name) => Number(summary.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped') + count('todo');
rmSync(scratch, { recursive: true, force: true });

process.stdout.write(`\n${files.length} test files\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
if (result.status !== 0 || failed > 0 || passed === 0) process.exit(result.status || 1);
