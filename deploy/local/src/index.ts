/**
 * The local stack: a single-node Kafka (KRaft) run from jars fetched with Maven, plus the
 * Postgres and Redis that DATABASE_URL and REDIS_URL point at (started on this machine when they
 * do not answer). Every operation is idempotent and returns a structured report.
 *
 * @example
 * const report = await stackUp({ env: { ...process.env, KAFKA_PORT: '19092' } });
 * if (!report.allUp) console.error(report.components.filter((c) => c.state === 'down'));
 */
import { join } from 'node:path';
import { PACKAGE_DIR } from './paths';

export { stackDown, stackStatus, stackUp } from './stack';
export type { StackOptions } from './stack';
export { loadStackSettings, stackSpec } from './config';
export type { StackSettings } from './config';
export { formatReportLine } from './report';
export type { ComponentName, ComponentReport, StackReport } from './report';
export { stackLayout } from './paths';
export { KAFKA_VERSION, ensureKafkaJars } from './kafka/jars';
export type { JarsResult } from './kafka/jars';
export type { StackLayout } from './paths';

/** The compiled command line (`node <STACK_CLI_PATH> up|down|status`). */
export const STACK_CLI_PATH = join(PACKAGE_DIR, 'dist', 'cli.js');
