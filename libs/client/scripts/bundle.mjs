// Builds the browser bundle, dist/browser/switchboard-client.mjs: one ES module with no Node
// imports, for bundlers and for a plain <script type="module">. Run by `npm run build` here, by the
// root build and by scripts/ensure.mjs (npm start, npm test).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [join(packageDir, 'src', 'browser.ts')],
  outfile: join(packageDir, 'dist', 'browser', 'switchboard-client.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
