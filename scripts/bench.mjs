// npm run bench — installs and builds what is missing (as npm test does), then runs the benchmark
// suite: node bench/dist/cli.js with the arguments given after `--`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensure, root } from './ensure.mjs';

ensure();
const result = spawnSync(process.execPath, [join(root, 'bench', 'dist', 'cli.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
