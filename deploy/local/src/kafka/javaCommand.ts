/** The broker's heap: enough for a development node, small enough to share a laptop. */
export const BROKER_HEAP = ['-Xms256m', '-Xmx512m'] as const;

/** The class every broker command line contains; used to recognise our process in /proc. */
export const BROKER_MAIN_CLASS = 'kafka.Kafka';

export interface JavaPaths {
  readonly classPath: string;
  readonly log4jProperties: string;
}

/** `java` arguments running the broker with the given server.properties. */
export function brokerJavaArgs(paths: JavaPaths, serverProperties: string): string[] {
  return [
    ...BROKER_HEAP,
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${paths.log4jProperties}`,
    '-cp',
    paths.classPath,
    BROKER_MAIN_CLASS,
    serverProperties,
  ];
}

/** `java` arguments running one of Kafka's storage tool commands. */
export function storageToolArgs(paths: JavaPaths, toolArgs: readonly string[]): string[] {
  return [
    '-Xmx256m',
    `-Dlog4j.configuration=file:${paths.log4jProperties}`,
    '-cp',
    paths.classPath,
    'kafka.tools.StorageTool',
    ...toolArgs,
  ];
}
