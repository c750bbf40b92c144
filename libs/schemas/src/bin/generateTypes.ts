import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { latestEntries } from '../catalog';
import { loadFileCatalog } from '../loadFileCatalog';
import { packageRoot } from '../packageRoot';
import { renderTypes } from '../renderTypes';

/** Where the generated declarations live, relative to the package root. */
export const GENERATED_TYPES_FILE = path.join('src', 'generated', 'types.ts');

/** Regenerates src/generated/types.ts from the latest schemas in the catalog. Rebuild the package afterwards. */
function main(): void {
  const root = packageRoot();
  const text = renderTypes(latestEntries(loadFileCatalog(root)).map((e) => e.type));
  const file = path.join(root, GENERATED_TYPES_FILE);
  writeFileSync(file, text);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

if (require.main === module) main();
