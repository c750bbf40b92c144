import { loadStackSettings, type StackSettings } from './config';
import { kafkaDown, kafkaStatus, kafkaUp } from './kafka/kafkaComponent';
import { postgresDown, postgresStatus, postgresUp } from './postgres/postgresComponent';
import { redisDown, redisStatus, redisUp } from './redis/redisComponent';
import { stackReport, type ComponentName, type ComponentReport, type StackReport } from './report';

export interface StackOptions {
  /** Environment the settings are read from; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Settings to use instead of reading the environment. */
  readonly settings?: StackSettings;
  /** How long a starting Kafka broker may take to answer; default 120 s. */
  readonly startTimeoutMs?: number;
  /** How long Kafka gets to shut down after SIGTERM before SIGKILL; default 30 s. */
  readonly stopGraceMs?: number;
}

type Operation = (settings: StackSettings) => Promise<ComponentReport>;

/**
 * Brings Kafka, Postgres and Redis up. Idempotent: what already runs is used as it is. Never
 * throws for a component that fails; its report is `down` with the reason in `error`.
 */
export function stackUp(options: StackOptions = {}): Promise<StackReport> {
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  return runAll(options, {
    kafka: (s) => kafkaUp(s, { startTimeoutMs }),
    postgres: postgresUp,
    redis: redisUp,
  });
}

/** Stops Kafka and whatever of Postgres and Redis this stack started; leaves the rest running. */
export function stackDown(options: StackOptions = {}): Promise<StackReport> {
  const graceMs = options.stopGraceMs ?? 30_000;
  return runAll(options, {
    kafka: (s) => kafkaDown(s, { graceMs }),
    postgres: postgresDown,
    redis: redisDown,
  });
}

/** Whether each component answers; changes nothing. */
export function stackStatus(options: StackOptions = {}): Promise<StackReport> {
  return runAll(options, { kafka: kafkaStatus, postgres: postgresStatus, redis: redisStatus });
}

async function runAll(options: StackOptions, operations: Record<ComponentName, Operation>): Promise<StackReport> {
  const settings = options.settings ?? loadStackSettings(options.env);
  const names = Object.keys(operations) as ComponentName[];
  const reports = await Promise.all(
    names.map((name) => operations[name](settings).catch((err: unknown) => failed(name, settings, err))),
  );
  return stackReport(reports);
}

function failed(component: ComponentName, settings: StackSettings, err: unknown): ComponentReport {
  const address =
    component === 'kafka' ? `${settings.kafkaHost}:${settings.kafkaPort}` : component === 'postgres' ? 'DATABASE_URL' : 'REDIS_URL';
  return {
    component,
    state: 'down',
    address,
    detail: 'failed',
    managed: false,
    error: err instanceof Error ? err.message : String(err),
  };
}
