import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { kafkaJarsLayout, type KafkaJarsLayout } from '../paths';
import { runChecked } from '../process/runCommand';

export const KAFKA_VERSION = '3.9.1';

export interface JarsResult {
  readonly layout: KafkaJarsLayout;
  /** The jars were downloaded by this call. */
  readonly fetched: boolean;
}

/**
 * Makes sure the broker's jars are in the cache, fetching them with Maven if not. The jars land
 * in a private folder that is renamed into place, and the completion marker is written last, so
 * an interrupted fetch is simply retried and a concurrent one never sees half a folder.
 */
export async function ensureKafkaJars(cacheDir: string): Promise<JarsResult> {
  const layout = kafkaJarsLayout(cacheDir, KAFKA_VERSION);
  if (existsSync(layout.completeMarker)) return { layout, fetched: false };

  mkdirSync(layout.versionDir, { recursive: true });
  const partial = `${layout.libsDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    await runChecked('mvn', [
      '-q',
      '-B',
      '-f',
      layout.pom,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${partial}`,
    ]);
    if (!existsSync(layout.completeMarker)) {
      rmSync(layout.libsDir, { recursive: true, force: true });
      renameSync(partial, layout.libsDir);
      writeFileSync(layout.completeMarker, `kafka ${KAFKA_VERSION} jars fetched ${new Date().toISOString()}\n`);
    }
  } catch (err) {
    throw new Error(`could not fetch the Kafka ${KAFKA_VERSION} jars with Maven into ${layout.libsDir}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return { layout, fetched: true };
}
