import { join, resolve } from 'node:path';

/** deploy/local, found from this file's place in dist/ (or src/). */
export const PACKAGE_DIR = resolve(__dirname, '..');

/** The repository root: two levels above deploy/local. */
export const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');

/** Where each piece of one stack lives under its stack directory. */
export interface StackLayout {
  readonly stackDir: string;
  readonly stateFile: string;
  readonly logsDir: string;
  readonly kafka: {
    readonly dir: string;
    readonly dataDir: string;
    readonly serverProperties: string;
    readonly log4jProperties: string;
    readonly clusterIdFile: string;
    readonly pidFile: string;
    /** The broker's stdout and stderr: JVM start-up failures land here. */
    readonly consoleLog: string;
    /** The broker's own log, written by log4j. */
    readonly brokerLog: string;
  };
  readonly redis: {
    readonly dir: string;
    readonly pidFile: string;
    readonly logFile: string;
  };
}

export function stackLayout(stackDir: string): StackLayout {
  const logsDir = join(stackDir, 'logs');
  const kafkaDir = join(stackDir, 'kafka');
  const redisDir = join(stackDir, 'redis');
  return {
    stackDir,
    stateFile: join(stackDir, 'state.json'),
    logsDir,
    kafka: {
      dir: kafkaDir,
      dataDir: join(kafkaDir, 'data'),
      serverProperties: join(kafkaDir, 'server.properties'),
      log4jProperties: join(kafkaDir, 'log4j.properties'),
      clusterIdFile: join(kafkaDir, 'cluster-id'),
      pidFile: join(kafkaDir, 'kafka.pid'),
      consoleLog: join(logsDir, 'kafka.log'),
      brokerLog: join(logsDir, 'kafka-broker.log'),
    },
    redis: {
      dir: redisDir,
      pidFile: join(redisDir, 'redis.pid'),
      logFile: join(logsDir, 'redis.log'),
    },
  };
}

/** The downloaded Kafka jars, shared by every stack directory of the repository. */
export interface KafkaJarsLayout {
  readonly versionDir: string;
  readonly libsDir: string;
  /** Written only after a complete download, so an interrupted one is fetched again. */
  readonly completeMarker: string;
  readonly classPath: string;
  readonly pom: string;
}

export function kafkaJarsLayout(cacheDir: string, version: string): KafkaJarsLayout {
  const versionDir = join(cacheDir, 'kafka', version);
  const libsDir = join(versionDir, 'libs');
  return {
    versionDir,
    libsDir,
    completeMarker: join(versionDir, '.complete'),
    classPath: join(libsDir, '*'),
    pom: join(PACKAGE_DIR, 'kafka', 'pom.xml'),
  };
}
