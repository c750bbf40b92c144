#!/usr/bin/env node
import { ConfigError, EXIT_CONFIG } from '@switchboard/config';
import { loadStackSettings } from './config';
import { formatReportLine, type StackReport } from './report';
import { stackDown, stackStatus, stackUp } from './stack';

const USAGE = `usage: switchboard-stack <up|down|status> [--json]

  up      start Kafka (and Postgres/Redis if they do not answer), create topics and the database
  down    stop Kafka and whatever up started of Postgres and Redis
  status  show each component; exit 0 if all are up, 3 otherwise

environment: SWITCHBOARD_STACK_DIR, SWITCHBOARD_CACHE_DIR, KAFKA_PORT, KAFKA_CONTROLLER_PORT,
             SWITCHBOARD_NAMESPACE, DATABASE_URL, REDIS_URL
`;

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_NOT_ALL_UP = 3;

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const command = args[0];
  if (args.length !== 1 || (command !== 'up' && command !== 'down' && command !== 'status')) {
    process.stderr.write(args.length === 0 ? USAGE : `unknown command: ${args.join(' ')}\n${USAGE}`);
    return EXIT_USAGE;
  }

  let settings;
  try {
    settings = loadStackSettings(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`switchboard-stack: ${err.message}\n`);
    return EXIT_CONFIG;
  }

  const operation = { up: stackUp, down: stackDown, status: stackStatus }[command];
  const report = await operation({ settings });
  print(report, json);
  if (command === 'status') return report.allUp ? 0 : EXIT_NOT_ALL_UP;
  return report.components.some((c) => c.error !== undefined) ? EXIT_FAILED : 0;
}

function print(report: StackReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const component of report.components) process.stdout.write(`${formatReportLine(component)}\n`);
  }
  for (const component of report.components) {
    if (component.error !== undefined) process.stderr.write(`\n${component.component}: ${component.error}\n`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`switchboard-stack: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
