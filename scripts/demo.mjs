// Puts the client SDK's browser bundle next to the demo page (demo/switchboard-client.mjs), which
// imports it: the gateway serves one folder. Run after the bundle is built, by scripts/ensure.mjs
// (npm start, npm test) and by npm run build. The copies are not committed (.gitignore).
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundleDir = join(root, 'libs', 'client', 'dist', 'browser');
export const demoDir = join(root, 'demo');

for (const file of ['switchboard-client.mjs', 'switchboard-client.mjs.map']) {
  const from = join(bundleDir, file);
  if (!existsSync(from)) {
    process.stderr.write(`demo: ${from} is missing; build the client first (node libs/client/scripts/bundle.mjs)\n`);
    process.exit(1);
  }
  copyFileSync(from, join(demoDir, file));
}
