import * as path from 'node:path';
import { recordGolden } from '../golden';
import { loadFileCatalog } from '../loadFileCatalog';
import { packageRoot } from '../packageRoot';

/**
 * Re-records the golden files of the latest schema versions from the samples. Run it only when a
 * change of the wire bytes is intended (a new schema version, new samples); the tests never do.
 */
function main(): void {
  const root = packageRoot();
  const written = recordGolden(loadFileCatalog(root), root);
  for (const file of written) process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

if (require.main === module) main();
