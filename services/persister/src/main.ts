import pg from 'pg';
import { checkedOrExit, databaseUrl, exitIfRefused, kafkaSecurity, loadConfigOrExit } from '@switchboard/config';
import { createKafka, kafkaCredentialProblem } from '@switchboard/kafka';
import { databaseCredentialProblem } from './storage/databaseCredentialProblem';
import { createCodec, loadFileCatalog } from '@switchboard/schemas';
import { createLogger, createMetrics, onShutdownSignal } from '@switchboard/telemetry';
import { persisterSpec } from './config';
import { createPersister, migrate } from './index';

async function main(): Promise<void> {
  const config = loadConfigOrExit('persister', persisterSpec);
  const logger = createLogger('persister', config.LOG_LEVEL, { instance: config.PERSISTER_INSTANCE_ID });
  const metrics = createMetrics();
  const kafkaSecurityOptions = checkedOrExit('persister', () => kafkaSecurity(config));
  const connectionString = checkedOrExit('persister', () => databaseUrl(config));
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.PERSISTER_INSTANCE_ID,
    security: kafkaSecurityOptions,
    log: (level, message, extra) => logger[level](message, { component: 'kafkajs', ...extra }),
  });
  await exitIfRefused('persister', [kafkaCredentialProblem(kafka), databaseCredentialProblem(connectionString)]);
  const pool = new pg.Pool({
    connectionString,
    max: config.PERSISTER_DB_POOL_SIZE,
    statement_timeout: config.PERSISTER_DB_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: 5_000,
    application_name: config.PERSISTER_INSTANCE_ID,
  });
  // An idle connection that breaks is dropped by the pool; without a listener the error would end the process.
  pool.on('error', (err) => logger.warn('idle database connection failed', { err }));

  if (config.PERSISTER_MIGRATE === 'auto') {
    const { applied } = await migrate(pool, { onApplied: (version, name) => logger.info('migration applied', { version, name }) });
    if (applied.length === 0) logger.info('schema up to date');
  }

  const persister = createPersister({
    kafka,
    pool,
    codec: createCodec(loadFileCatalog()),
    namespace: config.SWITCHBOARD_NAMESPACE,
    logger,
    metrics,
    httpPort: config.PERSISTER_HTTP_PORT,
    httpHost: config.PERSISTER_HTTP_HOST,
    fetchWaitMs: config.PERSISTER_FETCH_WAIT_MS,
    fetchIntervalMs: config.PERSISTER_FETCH_INTERVAL_MS,
    maxBytesPerPartition: config.PERSISTER_MAX_BATCH_BYTES,
    sessionTimeoutMs: config.PERSISTER_SESSION_TIMEOUT_MS,
    syncCatchUpMs: config.PERSISTER_SYNC_CATCH_UP_MS,
  });
  onShutdownSignal(logger, async () => {
    await persister.stop();
    await pool.end();
  }, config.SHUTDOWN_GRACE_MS);
  await persister.start();
  logger.info('persister started', {
    namespace: config.SWITCHBOARD_NAMESPACE,
    brokers: config.KAFKA_BROKERS,
    httpPort: persister.httpPort(),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`persister: failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
