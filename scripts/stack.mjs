// npm run stack:up|down|status — the local Kafka, Postgres and Redis.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensure, root } from './ensure.mjs';

ensure();
const result = spawnSync(process.execPath, [join(root, 'deploy/local/dist/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
