import * as path from 'node:path';

/**
 * The package's root folder, found from the compiled code (dist/ -> ..), so `avro/` and
 * `catalog.json` are found both in the workspace and in an installed tarball.
 */
export function packageRoot(): string {
  return path.resolve(__dirname, '..');
}
