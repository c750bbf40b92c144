// Makes a checkout runnable: installs dependencies when they are missing or stale, then compiles
// the workspace (incremental, so a second run takes about a second). Plain JavaScript because it
// runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`switchboard: ${what} failed (${command} ${args.join(' ')} exited ${result.status ?? result.signal})\n`);
    process.exit(result.status || 1);
  }
}

function dependenciesStale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000;
}

export function ensureDependencies() {
  if (!dependenciesStale()) return;
  const lock = existsSync(join(root, 'package-lock.json'));
  process.stdout.write(`switchboard: installing dependencies (npm ${lock ? 'ci' : 'install'})\n`);
  run('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], 'installing dependencies');
}

export function ensureBuilt() {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], 'compiling TypeScript');
  // The client SDK's browser bundle (esbuild, a few tens of milliseconds).
  run(process.execPath, [join(root, 'libs', 'client', 'scripts', 'bundle.mjs')], 'bundling the browser client');
  run(process.execPath, [join(root, 'scripts', 'demo.mjs')], 'putting the browser client next to the demo page');
}

export function ensure() {
  ensureDependencies();
  ensureBuilt();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensure();
