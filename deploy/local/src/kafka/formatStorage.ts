import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTextIfPresent } from '../process/pidFile';
import { runChecked } from '../process/runCommand';
import { storageToolArgs, type JavaPaths } from './javaCommand';

export interface StorageFiles {
  readonly dataDir: string;
  readonly clusterIdFile: string;
  readonly serverProperties: string;
}

/**
 * Formats the KRaft log directory the first time only. The cluster id is kept beside it so a
 * broker whose data was wiped by hand is formatted again with the same id.
 */
export async function formatStorageOnce(paths: JavaPaths, files: StorageFiles): Promise<{ formatted: boolean; clusterId: string }> {
  const clusterId = await clusterIdOf(paths, files.clusterIdFile);
  if (existsSync(join(files.dataDir, 'meta.properties'))) return { formatted: false, clusterId };
  await runChecked(
    'java',
    storageToolArgs(paths, ['format', '-t', clusterId, '-c', files.serverProperties, '--ignore-formatted']),
  );
  return { formatted: true, clusterId };
}

async function clusterIdOf(paths: JavaPaths, clusterIdFile: string): Promise<string> {
  const stored = readTextIfPresent(clusterIdFile)?.trim();
  if (stored) return stored;
  const output = await runChecked('java', storageToolArgs(paths, ['random-uuid']));
  const clusterId = output.trim().split('\n').pop()?.trim() ?? '';
  if (!/^[A-Za-z0-9_-]{22}$/.test(clusterId)) throw new Error(`kafka-storage random-uuid printed "${output.trim()}", not a cluster id`);
  writeFileSync(clusterIdFile, `${clusterId}\n`);
  return clusterId;
}
