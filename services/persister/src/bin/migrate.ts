#!/usr/bin/env node
// Applies the persister's pending schema migrations and exits: run by deployments before the
// persisters start (the chart's pre-install/pre-upgrade Job), which then run with
// PERSISTER_MIGRATE=off. Concurrent runs are safe: migrate() holds an advisory lock.
import { checkedOrExit, databaseUrl, exitIfRefused, loadConfigOrExit } from '@switchboard/config';
import { createLogger } from '@switchboard/telemetry';
import { databaseCredentialProblem } from '../storage/databaseCredentialProblem';
import { migrate } from '../storage/migrate';
import { migrateSpec } from './migrateSpec';

async function main(): Promise<void> {
  const config = loadConfigOrExit('persister-migrate', migrateSpec);
  const logger = createLogger('persister-migrate', config.LOG_LEVEL);
  const connectionString = checkedOrExit('persister-migrate', () => databaseUrl(config));
  await exitIfRefused('persister-migrate', [databaseCredentialProblem(connectionString)]);
  const { applied, alreadyApplied } = await migrate(connectionString, {
    onApplied: (version, name) => logger.info('migration applied', { version, name }),
  });
  logger.info(applied.length === 0 ? 'schema up to date' : 'schema migrated', { applied, alreadyApplied: alreadyApplied.length });
}

main().catch((err: unknown) => {
  process.stderr.write(`persister-migrate: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
