import { resolve } from 'node:path';
import { ConfigError, commonSpec, databaseSpec, int, loadConfig, optionalStr, redisSpec } from '@switchboard/config';
import { REPO_ROOT } from './paths';

const tcpPort = (description: string, defaultPort: number) => int({ description, default: defaultPort, min: 1, max: 65535 });

export const stackSpec = {
  SWITCHBOARD_NAMESPACE: commonSpec.SWITCHBOARD_NAMESPACE,
  ...databaseSpec,
  ...redisSpec,
  SWITCHBOARD_STACK_DIR: optionalStr({ description: 'State, data and logs of the local stack; default <repo>/.stack' }),
  SWITCHBOARD_CACHE_DIR: optionalStr({ description: 'Downloads shared by all local stacks (Kafka jars); default <repo>/.cache' }),
  KAFKA_PORT: tcpPort('Port of the local Kafka broker (PLAINTEXT listener on 127.0.0.1)', 9092),
  KAFKA_CONTROLLER_PORT: tcpPort('Port of the local Kafka KRaft controller listener on 127.0.0.1', 9093),
} as const;

/** Everything the stack needs to know, resolved from the environment. */
export interface StackSettings {
  readonly namespace: string;
  readonly stackDir: string;
  readonly cacheDir: string;
  readonly kafkaHost: string;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
}

/** Reads the stack's settings; throws ConfigError naming every bad variable. */
export function loadStackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const config = loadConfig(stackSpec, env);
  if (config.KAFKA_PORT === config.KAFKA_CONTROLLER_PORT) {
    throw new ConfigError([`KAFKA_CONTROLLER_PORT must differ from KAFKA_PORT, both are ${config.KAFKA_PORT}`]);
  }
  return {
    namespace: config.SWITCHBOARD_NAMESPACE,
    stackDir: resolve(config.SWITCHBOARD_STACK_DIR ?? resolve(REPO_ROOT, '.stack')),
    cacheDir: resolve(config.SWITCHBOARD_CACHE_DIR ?? resolve(REPO_ROOT, '.cache')),
    kafkaHost: '127.0.0.1',
    kafkaPort: config.KAFKA_PORT,
    kafkaControllerPort: config.KAFKA_CONTROLLER_PORT,
    databaseUrl: config.DATABASE_URL,
    redisUrl: config.REDIS_URL,
  };
}
